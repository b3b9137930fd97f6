package io.lockstep.app.train;

import io.lockstep.app.Main;
import io.lockstep.app.UsageException;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.data.HoldOut;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.train.TrainingCheckpoint;
import io.lockstep.spark.Checkpointing;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.FaultInjection;
import io.lockstep.spark.HadoopCheckpointStore;
import io.lockstep.spark.IndexedExamples;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.spark.SparkDefaults;
import io.lockstep.spark.SyncTrainer;
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
import org.apache.spark.SparkConf;
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
        exitCodeList = {"0:trained (also when stopped early)", "1:run-time error (data, model, I/O, Spark)",
            "2:invalid command line", "3:training diverged and was halted (the last good model is kept)"})
public final class TrainCommand implements Callable<Integer> {
    static final int DEFAULT_EPOCHS = 5;

    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "mlp",
            description = "mlp (784-256-256-10), lenet (small CNN), or a DL4J MultiLayerConfiguration .json file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--global-batch", paramLabel = "B", defaultValue = "128",
            description = "Examples per synchronized step, summed over all workers. Default: ${DEFAULT-VALUE}.")
    int globalBatch;

    @Option(names = "--workers", paramLabel = "P",
            description = "Data partitions / parallel gradient tasks per step (B >= P). Default: Spark's default parallelism.")
    Integer workers;

    @Option(names = "--micro-batch", paramLabel = "M", defaultValue = "0",
            description = "Gradient accumulation: each worker processes its share in micro-batches of at most M examples "
                    + "and sums them (same update, bounded memory; 0 = off). Default: ${DEFAULT-VALUE}.")
    int microBatch;

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

    private Integer run(List<String> args) throws Exception {
        config(workers == null ? 1 : workers, Integer.MAX_VALUE);
        Path outDir = out != null ? out : Path.of("runs", "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (previousRun == null && Files.exists(outDir.resolve(RunRecorder.RUN_JSON))) {
            throw new UsageException("--out " + outDir + " already contains a run (run.json); choose another directory");
        }
        this.recordedArgs = args;
        if (data.isTable()) {
            return trainOnTables(outDir);
        }
        DataOptions.Loaded loaded = data.load(console::println);
        Dataset trainSet = loaded.train();
        Dataset validation = null;
        if (guard.validationFraction > 0) {
            HoldOut split = HoldOut.split(trainSet, guard.validationFraction, seed);
            trainSet = split.train();
            validation = split.validation();
        }
        checkBatchFits(trainSet.size());
        ModelAdapter adapter = Models.resolve(model, trainSet.numFeatures(), trainSet.numClasses(), seed);
        try (JavaSparkContext sc = startSpark()) {
            TrainConfig config = config(workers != null ? workers : sc.defaultParallelism(), trainSet.size() / globalBatch);
            int p = config.workers();
            Inputs in = new Inputs(loaded.name(), data.describe(loaded), ShardedDataset.distribute(sc, trainSet, p),
                    validation == null ? null : ShardedDataset.distribute(sc, validation, p),
                    loaded.test() == null ? null : ShardedDataset.distribute(sc, loaded.test(), p));
            return train(sc, config, adapter, in, outDir);
        }
    }

    /**
     * {@code --dataset parquet:PATH|csv:PATH}: Spark starts first, the tables are validated on the
     * cluster (one aggregation each), then split, checked against the model and sharded; the rows never
     * pass through the driver.
     */
    private int trainOnTables(Path outDir) throws Exception {
        data.tableSpecs(); // option conflicts are usage errors, before Spark starts
        try (JavaSparkContext sc = startSpark()) {
            int p = workers != null ? workers : sc.defaultParallelism();
            config(p, Integer.MAX_VALUE); // B >= P before reading anything
            DataOptions.Tables tables = data.readTables(sc, console::println);
            IndexedExamples trainSet = tables.train();
            IndexedExamples validation = null;
            if (guard.validationFraction > 0) {
                IndexedExamples.Split split = trainSet.holdOut(guard.validationFraction, seed);
                trainSet = split.train();
                validation = split.validation();
            }
            checkBatchFits(trainSet.size());
            ModelAdapter adapter = Models.resolve(model, trainSet.numFeatures(), trainSet.numClasses(), seed);
            TrainConfig config = config(p, trainSet.size() / globalBatch);
            Inputs in = new Inputs(tables.name(), data.describe(tables), trainSet.shard(p),
                    validation == null ? null : validation.shard(p),
                    tables.test() == null ? null : tables.test().shard(p));
            return train(sc, config, adapter, in, outDir);
        }
    }

    private void checkBatchFits(int trainSize) {
        if (globalBatch > trainSize) {
            throw new UsageException("--global-batch " + globalBatch + " is larger than the training set ("
                    + trainSize + " examples)");
        }
    }

    /** The sharded data of a run after the validation split, and its provenance for run.json. */
    record Inputs(String name, Map<String, Object> dataset, ShardedDataset train, ShardedDataset validation,
                  ShardedDataset test) {}

    private int train(JavaSparkContext sc, TrainConfig config, ModelAdapter adapter, Inputs in, Path outDir) throws Exception {
        ShardedDataset train = in.train();
        EvalSets evalSets = EvalSets.none()
                .with(EvalSets.TRAIN, guard.evalTrain ? train : null)
                .with(EvalSets.VALIDATION, in.validation())
                .with(EvalSets.TEST, in.test());
        RunInfo info = new RunInfo(config, adapter, in.dataset(), in, sc);
        Map<String, Object> run = info.provenance();
        run.put("args", recordedArgs); // what --resume rebuilds the command from
        Checkpointing checkpointing = checkpointing(sc, outDir, run);
        FaultInjection faults = faults();
        long resumedFrom = checkpointing.resume() == null ? -1 : checkpointing.resume().nextStep();
        if (resumedFrom >= 0) {
            run.put("resumed_from_step", resumedFrom);
        }
        printResolved(config, adapter, in, sc);
        long start = System.nanoTime();
        try (RunRecorder recorder = resumedFrom >= 0 ? RunRecorder.append(outDir, resumedFrom) : RunRecorder.create(outDir);
             ConsoleProgress bar = progress ? new ConsoleProgress(console) : null) {
            recorder.writeRunJson(run);
            List<TrainListener> listeners = new ArrayList<>(List.of(recorder));
            if (bar != null) {
                listeners.add(bar);
            }
            TrainResult result = new SyncTrainer(sc, adapter, config).withFaultInjection(faults)
                    .fit(train, evalSets, new Listeners(listeners), checkpointing);
            adapter.save(result.params(), recorder.modelFile());
            if (result.bestParams() != null) {
                adapter.save(result.bestParams(), recorder.dir().resolve(RunRecorder.BEST_MODEL));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            run.put("result", RunInfo.result(result, seconds));
            recorder.writeRunJson(run);
            if (bar != null) {
                bar.close();
            }
            return report(result, seconds, recorder, config);
        }
    }

    private Checkpointing checkpointing(JavaSparkContext sc, Path outDir, Map<String, Object> run) throws java.io.IOException {
        if (checkpointEvery < 0) {
            throw new UsageException("--checkpoint-every must not be negative (got " + checkpointEvery + ")");
        }
        boolean wanted = checkpointEvery > 0 || checkpointDir != null || previousRun != null;
        if (!wanted) {
            return Checkpointing.none();
        }
        String uri = checkpointDir != null ? checkpointDir : outDir.toAbsolutePath().resolve("checkpoints").toUri().toString();
        HadoopCheckpointStore store = new HadoopCheckpointStore(uri, sc.hadoopConfiguration());
        run.put("checkpoint_dir", uri);
        TrainingCheckpoint from = null;
        if (previousRun != null) {
            from = store.latest().orElseThrow(() -> new UsageException("--resume " + resume + ": no complete checkpoint in "
                    + uri + " (was the run started with --checkpoint-every?)"));
        }
        return new Checkpointing(store, checkpointEvery, from, Map.of("run", String.valueOf(outDir)));
    }

    private FaultInjection faults() {
        if (injectFailures == null || injectFailures.isBlank()) {
            return FaultInjection.none();
        }
        java.util.Set<Long> failSteps = new java.util.HashSet<>();
        java.util.Set<Integer> partitions = new java.util.HashSet<>();
        for (String item : injectFailures.split(",")) {
            String[] sp = item.trim().split(":");
            if (sp.length != 2) {
                throw new UsageException("--inject-task-failures expects STEP:PARTITION[,...] (got '" + item + "')");
            }
            failSteps.add(Long.parseLong(sp[0]));
            partitions.add(Integer.parseInt(sp[1]));
        }
        return new FaultInjection(failSteps, partitions);
    }

    private TrainConfig config(int p, int stepsPerEpoch) {
        if (epochs != null && steps != null) {
            throw new UsageException("give either --epochs or --steps, not both");
        }
        try {
            TrainConfig.Builder b = TrainConfig.builder().globalBatch(globalBatch).workers(p).microBatch(microBatch)
                    .lr(lr.lr).lrScaling(lr.scaling()).referenceBatch(lr.referenceBatch())
                    .optimizer(optimizer.toConfig()).clipNorm(guard.clipNorm).divergence(guard.divergence())
                    .noiseEmaDecay(guard.noiseEma).earlyStoppingPatience(guard.patience).seed(seed);
            if (steps != null) {
                b.steps(steps);
            } else {
                b.epochs(epochs != null ? epochs : DEFAULT_EPOCHS);
            }
            TrainConfig c = b.schedule(lr.toConfig(Math.max(1, stepsPerEpoch))).build();
            if (stepsPerEpoch != Integer.MAX_VALUE) {
                // Build the schedule once here so one that does not fit the run (e.g. warmup >= total
                // steps) is reported as a usage error before Spark starts, not from inside the trainer.
                c.schedule(c.totalSteps(stepsPerEpoch));
            }
            if (!(guard.validationFraction >= 0 && guard.validationFraction < 1)) {
                throw new UsageException("--validation-fraction must be in [0, 1) (0 = no validation set) (got "
                        + guard.validationFraction + ")");
            }
            if (guard.patience > 0 && guard.validationFraction <= 0) {
                throw new UsageException("--early-stopping-patience needs --validation-fraction");
            }
            return c;
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(FlagNames.inMessage(e.getMessage()));
        }
    }

    private JavaSparkContext startSpark() {
        SparkConf conf = new SparkConf().setAppName("lockstep train");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        SparkDefaults.apply(conf);
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    private void printResolved(TrainConfig config, ModelAdapter adapter, Inputs in, JavaSparkContext sc) {
        int spe = in.train().size() / config.globalBatch();
        console.printf("lockstep train: model %s (%,d params), dataset %s (%,d train / %,d validation / %,d test)%n",
                adapter.name(), adapter.numParams(), in.name(), in.train().size(),
                in.validation() == null ? 0 : in.validation().size(),
                in.test() == null ? 0 : in.test().size());
        console.printf("  Spark master %s, workers P=%d, global batch B=%d, per-worker batch ~%.1f%s%n", sc.master(),
                config.workers(), config.globalBatch(), (double) config.globalBatch() / config.workers(),
                config.microBatch() > 0 ? ", micro-batch " + config.microBatch() : "");
        console.printf("  steps/epoch %d, total steps %d, optimizer %s, seed %d%n", spe, config.totalSteps(spe),
                config.optimizer().describe(), config.seed());
        console.printf("  lr %g at B_ref=%d, %s scaling -> peak lr %g; schedule: %s%n", config.lr(),
                config.referenceBatch(), config.lrScaling().cliName(), config.peakLr(),
                config.schedule(config.totalSteps(spe)).describe());
    }

    private int report(TrainResult result, double seconds, RunRecorder recorder, TrainConfig config) {
        if (result.outcome() == TrainResult.Outcome.DIVERGED) {
            DivergenceEvent d = result.divergences().get(result.divergences().size() - 1);
            spec.commandLine().getErr().printf("lockstep: training diverged at step %d: %s (loss %.4g, lr %.4g, B=%d); halted, "
                    + "the last good model (after %d update(s)) is in %s%n", d.step(), d.reason(), d.loss(), d.lr(),
                    d.globalBatch(), result.steps(), recorder.modelFile());
            return Main.EXIT_DIVERGED;
        }
        result.lastEvaluation(EvalSets.TEST).ifPresentOrElse(
                e -> console.printf("test accuracy %.4f (loss %.4f) after %d steps in %.1f s%s%n", e.accuracy(), e.loss(),
                        result.steps(), seconds, result.outcome() == TrainResult.Outcome.EARLY_STOPPED ? " (stopped early)" : ""),
                () -> console.printf("trained %d steps in %.1f s (no test set)%n", result.steps(), seconds));
        if (!result.divergences().isEmpty()) {
            console.printf("recovered from %d divergence(s) by rollback; final lr factor %.3g%n",
                    result.divergences().size(), result.divergences().get(result.divergences().size() - 1).lrFactor());
        }
        console.println("run directory: " + recorder.dir() + " (run.json, metrics.jsonl, model.zip"
                + (result.bestParams() != null ? ", best-model.zip" : "") + ")");
        return 0;
    }

}
