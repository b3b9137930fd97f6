package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.spark.Checkpointing;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.FaultInjection;
import io.lockstep.spark.HadoopCheckpointStore;
import io.lockstep.spark.SparkDefaults;
import io.lockstep.spark.SyncTrainer;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import io.lockstep.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;

/**
 * One training run inside a running Spark context: the options of {@code lockstep train} (parsed and
 * validated exactly as on the command line), resolved against the data, trained, and recorded in a
 * run directory. {@code lockstep train} runs one; {@code lockstep sweep} runs many in one context.
 */
public final class TrainRun {
    private final TrainCommand cmd;

    TrainRun(TrainCommand cmd) {
        this.cmd = cmd;
    }

    /** Where a run's console output goes and what it writes besides run.json and metrics.jsonl. */
    public record Output(PrintStream console, boolean progress, boolean saveModels) {}

    /** A finished run: the trainer's result, the resolved configuration and the training wall time. */
    public record Result(TrainResult result, TrainConfig config, double seconds, Path dir) {}

    /** A run resolved against its data: split data, model and configuration for P workers. */
    record Prepared(SplitData data, ModelAdapter model, TrainConfig config) {}

    /**
     * Parses {@code lockstep train} arguments exactly as the command line does (every train option, its
     * type and default) and checks everything that needs no data.
     *
     * @throws UsageException naming the option and the problem
     */
    public static TrainRun parse(List<String> args) {
        TrainCommand cmd = new TrainCommand();
        try {
            new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        cmd.recordedArgs(args);
        TrainRun run = new TrainRun(cmd);
        run.validate();
        return run;
    }

    /** Checks everything that needs neither data nor Spark (option conflicts, every config value). */
    void validate() {
        cmd.data.checkOptions();
        cmd.config(cmd.workers == null ? 1 : cmd.workers, Integer.MAX_VALUE);
        if (cmd.checkpointEvery < 0) {
            throw new UsageException("--checkpoint-every must not be negative (got " + cmd.checkpointEvery + ")");
        }
        faults();
    }

    /** True when the data is read by Spark SQL (nothing can be checked against it before Spark starts). */
    boolean needsSpark() {
        return cmd.data.isTable();
    }

    /**
     * Resolves the run against its data (loaded or read through {@code cache}): the batch must fit the
     * training set, the model the data, the schedule the run's length. Returns the resolved config.
     *
     * @throws UsageException naming the option and the problem
     */
    public TrainConfig check(JavaSparkContext sc, InputCache cache) {
        return prepare(sc, cache).config();
    }

    /** {@link #check}; {@code sc} may be null for IDX data (then P = --workers, else 1). */
    Prepared prepare(JavaSparkContext sc, InputCache cache) {
        int p = workers(sc);
        cmd.config(p, Integer.MAX_VALUE); // B >= P before reading anything
        SplitData data = cache.split(cmd, sc);
        int trainSize = data.train().size();
        if (cmd.globalBatch > trainSize) {
            throw new UsageException("--global-batch " + cmd.globalBatch + " is larger than the training set ("
                    + trainSize + " examples)");
        }
        ModelAdapter model = Models.resolve(cmd.model, data.train().numFeatures(), data.train().numClasses(), cmd.seed);
        return new Prepared(data, model, cmd.config(p, trainSize));
    }

    private int workers(JavaSparkContext sc) {
        return cmd.workers != null ? cmd.workers : sc != null ? sc.defaultParallelism() : 1;
    }

    /**
     * Trains and records the run in {@code outDir}; {@code extra} also receives the run's events.
     * A halt on divergence is a result ({@link TrainResult.Outcome#DIVERGED}), not an exception.
     */
    public Result run(JavaSparkContext sc, InputCache cache, Path outDir, Output output, TrainListener extra)
            throws IOException {
        Prepared prepared = prepare(sc, cache);
        TrainConfig config = prepared.config();
        InputCache.Inputs in = cache.inputs(cmd, sc, config.workers(), cmd.placement);
        EvalSets evalSets = EvalSets.none()
                .with(EvalSets.TRAIN, cmd.guard.evalTrain ? in.train() : null)
                .with(EvalSets.VALIDATION, in.validation())
                .with(EvalSets.TEST, in.test());
        Map<String, Object> run = new RunInfo(config, prepared.model(), in, sc).provenance();
        run.put("args", cmd.recordedArgs()); // what --resume rebuilds the command from
        Checkpointing checkpointing = checkpointing(sc, outDir, run);
        if (checkpointing.resume() != null) {
            run.put("resumed_from_step", checkpointing.resume().nextStep());
        }
        printResolved(output.console(), config, prepared.model(), in, sc);
        long start = System.nanoTime();
        try (RunRecorder recorder = checkpointing.resume() != null
                    ? RunRecorder.append(outDir, checkpointing.resume().nextStep()) : RunRecorder.create(outDir);
             ConsoleProgress bar = output.progress() ? new ConsoleProgress(output.console()) : null) {
            recorder.writeRunJson(run);
            List<TrainListener> listeners = new ArrayList<>(List.of(recorder, extra));
            if (bar != null) {
                listeners.add(bar);
            }
            TrainResult result = new SyncTrainer(sc, prepared.model(), config).withFaultInjection(faults())
                    .fit(in.train(), evalSets, new Listeners(listeners), checkpointing);
            if (output.saveModels()) {
                prepared.model().save(result.params(), recorder.modelFile());
                if (result.bestParams() != null) {
                    prepared.model().save(result.bestParams(), recorder.dir().resolve(RunRecorder.BEST_MODEL));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            run.put("result", RunInfo.result(result, seconds, output.saveModels()));
            recorder.writeRunJson(run);
            return new Result(result, config, seconds, outDir);
        }
    }

    /**
     * Starts Spark with Lockstep's defaults ({@link SparkDefaults}); master: {@code master}, else the
     * one spark-submit set, else {@code local[*]}.
     */
    public static JavaSparkContext startSpark(String master, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName);
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

    private Checkpointing checkpointing(JavaSparkContext sc, Path outDir, Map<String, Object> run) throws IOException {
        boolean resuming = cmd.previousRun() != null;
        if (cmd.checkpointEvery == 0 && cmd.checkpointDir == null && !resuming) {
            return Checkpointing.none();
        }
        String uri = cmd.checkpointDir != null ? cmd.checkpointDir
                : outDir.toAbsolutePath().resolve("checkpoints").toUri().toString();
        HadoopCheckpointStore store = new HadoopCheckpointStore(uri, sc.hadoopConfiguration());
        run.put("checkpoint_dir", uri);
        TrainingCheckpoint from = null;
        if (resuming) {
            from = store.latest().orElseThrow(() -> new UsageException("--resume " + outDir + ": no complete checkpoint in "
                    + uri + " (was the run started with --checkpoint-every?)"));
        }
        return new Checkpointing(store, cmd.checkpointEvery, from, Map.of("run", String.valueOf(outDir)));
    }

    private FaultInjection faults() {
        if (cmd.injectFailures == null || cmd.injectFailures.isBlank()) {
            return FaultInjection.none();
        }
        Set<Long> failSteps = new HashSet<>();
        Set<Integer> partitions = new HashSet<>();
        for (String item : cmd.injectFailures.split(",")) {
            String[] sp = item.trim().split(":");
            try {
                if (sp.length != 2) {
                    throw new NumberFormatException();
                }
                failSteps.add(Long.parseLong(sp[0]));
                partitions.add(Integer.parseInt(sp[1]));
            } catch (NumberFormatException e) {
                throw new UsageException("--inject-task-failures expects STEP:PARTITION[,...] (got '" + item + "')");
            }
        }
        return new FaultInjection(failSteps, partitions);
    }

    /** The ghost batch a run uses and why, e.g. "ghost batch 32 (automatic: the model has batch norm)". */
    static String ghostDescription(TrainConfig config, ModelAdapter model, io.lockstep.data.DataPlacement placement) {
        int g = config.resolveGhostBatch(config.globalBatch(), model.batchDependent(), placement);
        int k = io.lockstep.data.GhostBatches.count(config.globalBatch(), g);
        String why = config.ghostBatch() > 0 ? "" : model.batchDependent()
                ? " (automatic: the model has " + (model.batchNorm() ? "batch norm" : "dropout or weight noise")
                        + "; --ghost-batch sets it)"
                : " (automatic: one pass per worker; the model's passes do not depend on their batch)";
        return "ghost batch " + g + why + ", " + k + " forward pass" + (k == 1 ? "" : "es") + " per step";
    }

    private static void printResolved(PrintStream console, TrainConfig config, ModelAdapter model, InputCache.Inputs in,
                                      JavaSparkContext sc) {
        BatchPlan plan = config.batchPlan(in.train().size());
        long total = config.totalSteps(plan);
        console.printf("lockstep train: model %s (%,d params), dataset %s (%,d train / %,d validation / %,d test)%n",
                model.name(), model.numParams(), in.name(), in.train().size(),
                in.validation() == null ? 0 : in.validation().size(),
                in.test() == null ? 0 : in.test().size());
        console.printf("  Spark master %s, workers P=%d, global batch B=%d, per-worker batch ~%.1f%s%n", sc.master(),
                config.workers(), config.globalBatch(), (double) config.globalBatch() / config.workers(),
                config.microBatch() > 0 ? ", micro-batch " + config.microBatch() : "");
        console.printf("  %s data, %s%n", in.train().placement().cliName(), ghostDescription(config, model, in.train().placement()));
        int ghosts = io.lockstep.data.GhostBatches.count(config.globalBatch(),
                config.resolveGhostBatch(config.globalBatch(), model.batchDependent(), in.train().placement()));
        if (in.train().placement() == io.lockstep.data.DataPlacement.REPLICATED && ghosts < config.workers()) {
            console.printf("  note: %d ghost batches per step for P=%d workers: %d workers idle every step (lower "
                    + "--ghost-batch or --workers)%n", ghosts, config.workers(), config.workers() - ghosts);
        }
        for (String note : model.notes()) {
            console.println("  note: " + note);
        }
        if (config.batchGrowthFactor() > 0) {
            console.printf("  batch growth instead of LR decay: %s%n", plan.batchSchedule().describe());
        }
        console.printf("  steps/epoch %d, total steps %d, optimizer %s, seed %d%n", plan.stepsPerEpoch(), total,
                config.optimizer().describe(), config.seed());
        console.printf("  lr %g at B_ref=%d, %s scaling -> peak lr %g; schedule: %s%n", config.lr(),
                config.referenceBatch(), config.lrScaling().cliName(), config.peakLr(),
                config.schedule(total).describe());
    }
}
