package io.lockstep.app.train;

import io.lockstep.app.Main;
import io.lockstep.app.UsageException;
import io.lockstep.config.TrainConfig;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
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
            "2:invalid command line", "3:training diverged and was halted (the last good model is kept)"})
public final class TrainCommand implements Callable<Integer> {
    static final int DEFAULT_EPOCHS = 5;

    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "mlp",
            description = "mlp (784-256-256-10), mlp-bn (784-512 with batch norm), lenet (small CNN), resnet (small residual "
                    + "CNN with batch norm), or a DL4J MultiLayerConfiguration / ComputationGraphConfiguration .json file. "
                    + "Default: ${DEFAULT-VALUE}.")
    String model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--global-batch", paramLabel = "B", defaultValue = "128",
            description = "Examples per synchronized step, summed over all workers. Default: ${DEFAULT-VALUE}.")
    int globalBatch;

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

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory for run.json, metrics.jsonl and model.zip. Default: runs/<timestamp>.")
    Path out;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar. Default: ${DEFAULT-VALUE}.")
    boolean progress;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Save a checkpoint (parameters, optimizer state, step, guard and noise state, config) every N "
                    + "steps and at the end; 0 = never. Default: ${DEFAULT-VALUE}.")
    long checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "Hadoop FileSystem URI for checkpoints (file://, hdfs://, s3a://...). Default: <out>/checkpoints.")
    String checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its newest checkpoint, exactly as if it had not stopped; "
                    + "--steps/--epochs set a new total (to extend a finished run).")
    Path resume;

    @Option(names = "--inject-task-failures", paramLabel = "STEP:PARTITION[,...]", hidden = true,
            description = "Testing only: fail the first attempt of the gradient tasks of every listed step x partition.")
    String injectFailures;

    /** The previous run.json when resuming. */
    private Map<String, Object> previousRun;

    private final PrintStream console = System.out;
    private List<String> recordedArgs = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (resume != null) {
            TrainCommand cmd = resumed();
            return cmd.run(cmd.recordedArgs);
        }
        return run(originalArgs());
    }

    /** This command's own arguments (the parse result's original arguments start with the command name). */
    private List<String> originalArgs() {
        if (spec == null) {
            return List.of();
        }
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int name = all.indexOf(spec.name());
        return name < 0 ? all : List.copyOf(all.subList(name + 1, all.size()));
    }

    /** A command rebuilt from the resumed run's recorded arguments, with this command's overrides. */
    @SuppressWarnings("unchecked")
    private TrainCommand resumed() throws java.io.IOException {
        if (!Files.isRegularFile(resume.resolve(RunRecorder.RUN_JSON))) {
            throw new UsageException("--resume " + resume + " is not a run directory (no " + RunRecorder.RUN_JSON + ")");
        }
        Map<String, Object> prev = RunRecorder.readRunJson(resume);
        Object args = prev.get("args");
        if (!(args instanceof List<?>)) {
            throw new UsageException("--resume " + resume + ": run.json has no recorded arguments");
        }
        List<String> recorded = new ArrayList<>((List<String>) args);
        if (steps != null || epochs != null) {
            dropOption(recorded, "--steps");
            dropOption(recorded, "--epochs");
            recorded.addAll(steps != null ? List.of("--steps", String.valueOf(steps)) : List.of("--epochs", String.valueOf(epochs)));
        }
        TrainCommand cmd = new TrainCommand();
        picocli.CommandLine cli = new picocli.CommandLine(cmd);
        if (spec != null) {
            cli.setErr(spec.commandLine().getErr());
            cli.setOut(spec.commandLine().getOut());
        }
        cli.parseArgs(recorded.toArray(String[]::new));
        cmd.recordedArgs = recorded;
        cmd.previousRun = prev;
        cmd.out = resume;
        cmd.progress = progress;
        if (master != null) {
            cmd.master = master;
        }
        if (steps != null || epochs != null) {
            cmd.steps = steps;
            cmd.epochs = epochs;
        }
        if (cmd.workers == null) {
            cmd.workers = ((Number) ((Map<String, Object>) prev.get("derived")).get("workers")).intValue();
        }
        return cmd;
    }

    /** Removes "--name value" and "--name=value" from a recorded argument list. */
    private static void dropOption(List<String> args, String name) {
        for (int i = args.size() - 1; i >= 0; i--) {
            if (args.get(i).equals(name)) {
                args.remove(i);
                if (i < args.size()) {
                    args.remove(i);
                }
            } else if (args.get(i).startsWith(name + "=")) {
                args.remove(i);
            }
        }
    }

    /** The arguments recorded in run.json, from which {@code --resume} rebuilds the command. */
    List<String> recordedArgs() {
        return recordedArgs;
    }

    void recordedArgs(List<String> args) {
        this.recordedArgs = List.copyOf(args);
    }

    /** The resumed run's run.json, or null for a fresh run. */
    Map<String, Object> previousRun() {
        return previousRun;
    }

    private Integer run(List<String> args) throws Exception {
        recordedArgs(args);
        TrainRun run = new TrainRun(this);
        run.validate();
        Path outDir = out != null ? out : Path.of("runs", "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (previousRun == null && Files.exists(outDir.resolve(RunRecorder.RUN_JSON))) {
            throw new UsageException("--out " + outDir + " already contains a run (run.json); choose another directory");
        }
        InputCache cache = new InputCache(console::println);
        if (!run.needsSpark()) {
            run.prepare(null, cache); // IDX data: data, batch and model errors come before Spark starts
        }
        try (JavaSparkContext sc = TrainRun.startSpark(master, "lockstep train"); InputCache inputs = cache) {
            TrainRun.Result result = run.run(sc, inputs, outDir, new TrainRun.Output(console, progress, true), TrainListener.NONE);
            return report(result);
        }
    }

    /**
     * The validated config for {@code p} workers; {@code trainSize} converts epoch-based options
     * ({@code Integer.MAX_VALUE} before the data is known).
     *
     * @throws UsageException naming the option and the problem
     */
    TrainConfig config(int p, int trainSize) {
        if (epochs != null && steps != null) {
            throw new UsageException("give either --epochs or --steps, not both");
        }
        try {
            TrainConfig.Builder b = TrainConfig.builder().globalBatch(globalBatch).batchGrowthFactor(batchGrowth.factor)
                    .batchGrowthEvery(batchGrowth.every).workers(p).microBatch(microBatch).ghostBatch(ghostBatch)
                    .lr(lr.lr).lrScaling(lr.scaling()).referenceBatch(lr.referenceBatch())
                    .optimizer(optimizer.toConfig()).clipNorm(guard.clipNorm).divergence(guard.divergence())
                    .noiseEmaDecay(guard.noiseEma).earlyStoppingPatience(guard.patience).evalEvery(guard.evalEvery)
                    .targetAccuracy(guard.targetAccuracy).seed(seed);
            if (steps != null) {
                b.steps(steps);
            } else {
                b.epochs(epochs != null ? epochs : DEFAULT_EPOCHS);
            }
            boolean known = trainSize != Integer.MAX_VALUE;
            int firstEpochSteps = known ? Math.max(1, trainSize / Math.max(1, globalBatch)) : Integer.MAX_VALUE;
            TrainConfig c = b.schedule(lr.toConfig(firstEpochSteps)).build();
            if (known) {
                // Build the schedule once here so one that does not fit the run (e.g. warmup >= total
                // steps) is reported as a usage error before Spark starts, not from inside the trainer.
                c.schedule(c.totalSteps(c.batchPlan(trainSize)));
            }
            if (!(guard.validationFraction >= 0 && guard.validationFraction < 1)) {
                throw new UsageException("--validation-fraction must be in [0, 1) (0 = no validation set) (got "
                        + guard.validationFraction + ")");
            }
            if (guard.patience > 0 && guard.validationFraction <= 0) {
                throw new UsageException("--early-stopping-patience needs --validation-fraction");
            }
            if (guard.targetAccuracy > 0 && guard.validationFraction <= 0) {
                throw new UsageException("--target-accuracy needs --validation-fraction (the target is checked on the "
                        + "validation set)");
            }
            return c;
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(FlagNames.inMessage(e.getMessage()));
        }
    }

    /** Parses {@code --data-placement}. */
    static final class PlacementConverter implements picocli.CommandLine.ITypeConverter<io.lockstep.data.DataPlacement> {
        @Override
        public io.lockstep.data.DataPlacement convert(String value) {
            for (io.lockstep.data.DataPlacement p : io.lockstep.data.DataPlacement.values()) {
                if (p.cliName().equals(value)) {
                    return p;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("expected replicated or sharded (got '" + value + "')");
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
