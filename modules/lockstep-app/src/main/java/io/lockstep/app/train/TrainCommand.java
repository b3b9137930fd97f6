package io.lockstep.app.train;

import io.lockstep.app.Main;
import io.lockstep.app.UsageException;
import io.lockstep.adaptive.AdaptiveBatchConfig;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.app.data.MnistFetcher;
import io.lockstep.run.ModelSpec;
import io.lockstep.run.OutputSpec;
import io.lockstep.run.RunSpec;
import io.lockstep.run.SpecDiff;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import io.lockstep.spark.run.InputCache;
import io.lockstep.spark.run.Runner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep train}: trains a model with exact synchronous gradient averaging and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a DL4J model on Spark with exact synchronous gradient averaging.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:trained (also when stopped early or at --target-accuracy)", "1:run-time error (data, model, I/O, Spark)",
            "2:invalid command line", "3:training diverged and was halted (the last good model is kept)",
            "130:interrupted by SIGINT (Ctrl-C): stopped after the current step with model, checkpoint and run.json "
                    + "written (--resume continues); a second signal aborts at once", "143:interrupted by SIGTERM (likewise)"})
public final class TrainCommand implements Callable<Integer> {
    static final int DEFAULT_EPOCHS = 5;

    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "mlp",
            description = "mlp (784-256-256-10), mlp-bn (784-512 with batch norm), lenet (small CNN), resnet (small residual "
                    + "CNN with batch norm), or a DL4J MultiLayerConfiguration / ComputationGraphConfiguration .json file. "
                    + "Default: ${DEFAULT-VALUE}.")
    String model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--global-batch", paramLabel = "B|adaptive", defaultValue = "128",
            description = "Examples per synchronized step, summed over all workers; adaptive: chosen every --adapt-every"
                    + " steps in [--min-batch, --max-batch] for the highest goodput (Pollux), the LR following AdaScale"
                    + " (--lr-scaling adascale). Default: ${DEFAULT-VALUE}.")
    String globalBatch;

    @Mixin
    AdaptiveBatchOptions adaptiveBatch = new AdaptiveBatchOptions();

    @Mixin
    BatchGrowthOptions batchGrowth = new BatchGrowthOptions();

    @Option(names = "--workers", paramLabel = "P",
            description = "Data partitions / parallel gradient tasks per step (B >= P). Default: Spark's default parallelism.")
    Integer workers;

    @Option(names = "--micro-batch", paramLabel = "M", defaultValue = "0",
            description = "Gradient accumulation: each worker processes its share in micro-batches of at most M examples "
                    + "and sums them (same update, bounded memory; 0 = off). Default: ${DEFAULT-VALUE}.")
    int microBatch;

    @Option(names = "--ghost-batch", paramLabel = "G", defaultValue = "0",
            description = "Examples per forward/backward pass: the batch-norm statistics and dropout stream of each pass "
                    + "(ghost batch norm). Fixed ghost batches make results independent of P. 0 = automatic: "
                    + "32 for models with batch norm or dropout, otherwise one pass per worker. Default: ${DEFAULT-VALUE}.")
    int ghostBatch;

    @Option(names = "--data-placement", paramLabel = "replicated|sharded", defaultValue = "replicated",
            converter = PlacementConverter.class,
            description = "replicated: every executor keeps one copy of the training set (balanced, P-independent ghost "
                    + "batches); sharded: each worker holds 1/P of it (for data too large to replicate; batch norm and "
                    + "dropout then depend on P). Default: ${DEFAULT-VALUE}.")
    io.lockstep.data.DataPlacement placement;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train. Default: " + DEFAULT_EPOCHS + " (unless --steps is given).")
    Integer epochs;

    @Option(names = "--steps", paramLabel = "N", description = "Steps to train instead of --epochs.")
    Long steps;

    @Mixin
    ScheduleOptions lr = new ScheduleOptions();

    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions();

    @Mixin
    GuardOptions guard = new GuardOptions();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed for initialization, data order and the validation split. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master. Default: the one spark-submit set, else local[*].")
    String master;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory for run.json, metrics.jsonl and model.zip. Default: runs/run-<timestamp>.")
    Path out;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar. Default: ${DEFAULT-VALUE}.")
    boolean progress;

    @Option(names = "--checkpoint-every", paramLabel = "N|epoch", defaultValue = "epoch",
            converter = CheckpointEveryConverter.class,
            description = "Save a checkpoint (parameters, optimizer state, step, guard and noise state, config) every N "
                    + "steps, or after every epoch (epoch), and at the end and on an interrupt, so --resume can "
                    + "continue the run; 0 = never. Default: ${DEFAULT-VALUE}.")
    long checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "K", defaultValue = "" + OutputSpec.DEFAULT_KEEP_CHECKPOINTS,
            description = "Keep the newest K checkpoints (at least 1): a resume whose newest checkpoint fails"
                    + " verification falls back to the one before. Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "Hadoop FileSystem URI for checkpoints (file://, hdfs://, s3a://...). Default: <out>/checkpoints.")
    String checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its newest checkpoint, exactly as if it had not stopped; "
                    + "--steps/--epochs set a new total (to extend a finished run), --eval-every, --master and output "
                    + "options may change; any other option that differs from the run's is refused (see --allow-changes).")
    Path resume;

    @Option(names = "--inject-task-failures", paramLabel = "STEP:PARTITION[,...]", hidden = true,
            description = "Testing only: fail the first attempt of the gradient tasks of every listed step x partition.")
    String injectFailures;

    @Option(names = "--step-transport", paramLabel = "auto|channel|job", defaultValue = "auto",
            description = "How each step reaches the workers: job = one Spark job per step; channel = one long-running "
                    + "Spark job whose tasks exchange every step with the driver over Spark's network transport "
                    + "(authenticated and encrypted as spark.authenticate / spark.network.crypto.enabled say; needs a "
                    + "task slot per worker and spark.speculation off); auto = channel where it can run, else job (the "
                    + "run says which and why). The results are identical. Default: ${DEFAULT-VALUE}.")
    String stepTransport;

    @Option(names = "--step-timeout", paramLabel = "SECONDS",
            description = "With --step-transport channel or auto: fail the run when one step over the channel takes "
                    + "longer. Default: 600.")
    Long stepTimeout;

    @Option(names = "--allow-changes", defaultValue = "false",
            description = "With --resume: apply options that change the run's math (learning rate, batch, model, data, "
                    + "seed...) instead of refusing them; the changes are recorded in metrics.jsonl.")
    boolean allowChanges;

    private final PrintStream console = System.out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (resume != null) {
            return resumed();
        }
        if (checkpointEvery == 0 && checkpointDir != null) {
            throw new UsageException("--checkpoint-dir " + checkpointDir + " is given but --checkpoint-every 0 turns "
                    + "checkpoints off; drop one of them");
        }
        return run(new TrainRun(runSpec(), TrainRun.faults(injectFailures), null));
    }

    /**
     * Parses {@code lockstep train} arguments exactly as the command line does (every train option, its
     * type and default) into a fresh run of a validated spec (sweeps; run.json files that recorded arguments).
     *
     * @throws UsageException naming the option and the problem
     */
    public static TrainRun parse(List<String> args) {
        TrainCommand cmd = new TrainCommand();
        try {
            new picocli.CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        return new TrainRun(cmd.runSpec(), TrainRun.faults(cmd.injectFailures), null);
    }

    /** Continues the run in {@code --resume DIR}: the stored spec, with the changes this command allows. */
    private Integer resumed() throws Exception {
        RunSpec stored = ResumeSpecs.stored(resume);
        RunSpec typed = runSpec();
        List<SpecDiff.Difference> changes = ResumeSpecs.changes(stored, typed, this::typed);
        ResumeSpecs.refuseMathChanges(resume, changes, allowChanges);
        RunSpec effective = SpecDiff.overlay(stored, typed, f -> changes.stream().anyMatch(d -> d.field().equals(f)));
        if (!changes.isEmpty()) {
            console.println("resuming " + resume + " with changes: " + ResumeSpecs.describe(changes));
        }
        TrainRun.Resume r = new TrainRun.Resume(RunRecorder.readRunJson(resume), changes);
        return run(new TrainRun(effective, TrainRun.faults(injectFailures), r));
    }

    /** True if the user typed {@code flag} (or its negated form) on this command line. */
    private boolean typed(String flag) {
        if (flag.equals("--out") || flag.equals("--resume")) {
            return true; // the resumed run's directory is the one --resume names
        }
        picocli.CommandLine.Model.OptionSpec o = spec == null ? null : spec.findOption(flag);
        return o != null && spec.commandLine().getParseResult().hasMatchedOption(o);
    }

    private Integer run(TrainRun run) throws Exception {
        RunSpec s = run.spec();
        if (!run.resumes() && Files.exists(Path.of(s.output().dir()).resolve(RunRecorder.RUN_JSON))) {
            throw new UsageException("--out " + s.output().dir() + " already contains a run (run.json); choose another directory");
        }
        InputCache cache = new InputCache(console::println, MnistFetcher.files());
        if (!Runner.needsSpark(s)) {
            run.check(cache); // IDX data: data, batch and model errors come before Spark starts
        }
        try (Interrupts interrupts = Interrupts.install(spec.commandLine().getErr());
             Runner runner = Runner.start(s.master(), "lockstep train", cache)) {
            TrainRun.Result result = run.run(runner, new TrainRun.Output(console, progress, true), TrainListener.NONE,
                    interrupts.stopRequest());
            return result.result().outcome() == TrainResult.Outcome.INTERRUPTED
                    ? interrupted(result, interrupts.exitCode().orElse(Interrupts.EXIT_SIGINT)) : report(result);
        }
    }

    /**
     * "interrupted after step N; resume with: bin/lockstep train --resume DIR" (N = steps done, as in run.json);
     * the launcher name is the one bin/lockstep exports, else "lockstep".
     */
    private int interrupted(TrainRun.Result run, int exitCode) {
        String launcher = System.getenv().getOrDefault("LOCKSTEP_LAUNCHER", "lockstep");
        spec.commandLine().getErr().println("interrupted after step " + run.result().steps() + (run.checkpointed()
                ? "; resume with: " + launcher + " train --resume " + run.dir()
                : "; checkpoints are off (--checkpoint-every 0), so it cannot be resumed; the model is in "
                        + run.dir().resolve(RunRecorder.MODEL)));
        return exitCode;
    }

    /**
     * The validated run spec of these options ({@code --resume} sets the output directory to the resumed run).
     *
     * @throws UsageException naming the option and the problem
     */
    RunSpec runSpec() {
        if (epochs != null && steps != null) {
            throw new UsageException("give either --epochs or --steps, not both");
        }
        try {
            return new RunSpec(trainConfig(), lr.epochWarmup(), data.toSpec(guard.validationFraction, placement),
                    ModelSpec.of(model), new OutputSpec(outDir().toString(), checkpointEvery, checkpointDir, guard.evalTrain,
                            keepCheckpoints),
                    master, workers == null ? 0 : workers, transport());
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(FlagNames.inMessage(e.getMessage()));
        }
    }

    private TrainConfig trainConfig() {
        boolean adaptive = globalBatch.equals(ADAPTIVE);
        AdaptiveBatchConfig range = adaptiveBatch.toConfig(adaptive, lr.referenceBatch);
        TrainConfig.Builder b = TrainConfig.builder().globalBatch(adaptive ? range.minBatch() : fixedGlobalBatch())
                .adaptiveBatch(range).batchGrowthFactor(batchGrowth.factor)
                .batchGrowthEvery(batchGrowth.every).workers(workers == null ? 1 : workers).microBatch(microBatch)
                .ghostBatch(ghostBatch).lr(lr.lr).lrScaling(lr.scaling(adaptive)).referenceBatch(lr.referenceBatch())
                .optimizer(optimizer.toConfig()).clipNorm(guard.clipNorm).divergence(guard.divergence())
                .noiseEmaDecay(guard.noiseEma).earlyStoppingPatience(guard.patience).evalEvery(guard.evalEvery)
                .targetAccuracy(guard.targetAccuracy).seed(seed).schedule(lr.toConfig());
        return (steps != null ? b.steps(steps) : b.epochs(epochs != null ? epochs : DEFAULT_EPOCHS)).build();
    }

    /**
     * The step transport of {@code --step-transport} and {@code --step-timeout} (the spec's {@code transport}).
     *
     * @throws UsageException naming the option and the problem
     */
    StepTransportConfig transport() {
        StepTransportConfig t;
        try {
            t = StepTransportConfig.parse(stepTransport);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--step-transport: " + e.getMessage());
        }
        if (stepTimeout == null) {
            return t;
        }
        if (t.kind() == StepTransportConfig.Kind.JOB) {
            throw new UsageException("--step-timeout " + stepTimeout + " applies to --step-transport channel or auto only");
        }
        if (stepTimeout <= 0) {
            throw new UsageException("--step-timeout: expected a positive number of seconds, got " + stepTimeout);
        }
        return StepTransportConfig.of(t.kind(), java.time.Duration.ofSeconds(stepTimeout));
    }

    /** The value of {@code --global-batch} that selects a goodput-driven batch. */
    static final String ADAPTIVE = "adaptive";

    private int fixedGlobalBatch() {
        try {
            return Integer.parseInt(globalBatch.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--global-batch: expected a number of examples or 'adaptive', got '" + globalBatch
                    + "'");
        }
    }

    private Path outDir() {
        return resume != null ? resume : out != null ? out
                : Path.of("runs", "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Parses {@code --checkpoint-every N|epoch} ({@code epoch}: {@link OutputSpec#EACH_EPOCH}). */
    static final class CheckpointEveryConverter implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (value.equals("epoch")) {
                return OutputSpec.EACH_EPOCH;
            }
            try {
                long n = Long.parseLong(value);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new picocli.CommandLine.TypeConversionException("expected a number of steps >= 0 (0 = never) or "
                    + "'epoch', got '" + value + "'");
        }
    }

    /** Parses {@code --data-placement}. */
    static final class PlacementConverter implements picocli.CommandLine.ITypeConverter<io.lockstep.data.DataPlacement> {
        @Override
        public io.lockstep.data.DataPlacement convert(String value) {
            try {
                return io.lockstep.data.DataPlacement.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private int report(TrainRun.Result run) {
        TrainResult result = run.result();
        Path model = run.dir().resolve(RunRecorder.MODEL);
        if (result.outcome() == TrainResult.Outcome.DIVERGED) {
            DivergenceEvent d = result.divergences().get(result.divergences().size() - 1);
            spec.commandLine().getErr().printf("lockstep: training diverged at step %d: %s (loss %.4g, lr %.4g, B=%d); halted, "
                    + "the last good model (after %d update(s)) is in %s%n", d.step(), d.reason(), d.loss(), d.lr(),
                    d.globalBatch(), result.steps(), model);
            return Main.EXIT_DIVERGED;
        }
        String stopped = switch (result.outcome()) {
            case EARLY_STOPPED -> " (stopped early)";
            case TARGET_REACHED -> String.format(" (target validation accuracy %.4f reached)", result.targetReached().target());
            default -> "";
        };
        result.lastEvaluation(EvalSets.TEST).ifPresentOrElse(
                e -> console.printf("test accuracy %.4f (loss %.4f) after %d steps in %.1f s%s%n", e.accuracy(), e.loss(),
                        result.steps(), run.seconds(), stopped),
                () -> console.printf("trained %d steps in %.1f s (no test set)%s%n", result.steps(), run.seconds(), stopped));
        if (!result.divergences().isEmpty()) {
            console.printf("recovered from %d divergence(s) by rollback; final lr factor %.3g%n",
                    result.divergences().size(), result.divergences().get(result.divergences().size() - 1).lrFactor());
        }
        console.println("run directory: " + run.dir() + " (run.json, metrics.jsonl, model.zip"
                + (result.bestParams() != null ? ", best-model.zip" : "") + ")");
        return 0;
    }

}
