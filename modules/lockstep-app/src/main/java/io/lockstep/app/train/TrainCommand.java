package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.app.Versions;
import io.lockstep.config.ConfigException;
import io.lockstep.config.TrainConfig;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.optim.OptimizerType;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.spark.SparkDefaults;
import io.lockstep.spark.SyncTrainer;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockstep train}: trains a model with exact synchronous gradient averaging and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a DL4J model on Spark with exact synchronous gradient averaging.")
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

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train. Default: " + DEFAULT_EPOCHS + " (unless --steps is given).")
    Integer epochs;

    @Option(names = "--steps", paramLabel = "N", description = "Steps to train instead of --epochs.")
    Long steps;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "sgd, nesterov or adam (same update rules as DL4J's Sgd, Nesterovs, Adam). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "Momentum for nesterov. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--l2", paramLabel = "L", defaultValue = "0", description = "L2 regularization on weights, added to the averaged gradient once on the driver. Default: ${DEFAULT-VALUE}.")
    double l2;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0", description = "Decoupled weight decay (update += wd*lr*w) on weights, on the driver. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed for initialization and data order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: the one spark-submit set, else local[*].")
    String master;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory for run.json, metrics.jsonl and model.zip. Default: runs/<timestamp>.")
    Path out;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar. Default: ${DEFAULT-VALUE}.")
    boolean progress;

    private final PrintStream console = System.out;

    @Override
    public Integer call() throws Exception {
        TrainConfig config = config(workers == null ? 1 : workers);
        Path outDir = out != null ? out : Path.of("runs", "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (Files.exists(outDir.resolve(RunRecorder.RUN_JSON))) {
            throw new UsageException("--out " + outDir + " already contains a run (run.json); choose another directory");
        }
        DataOptions.Loaded loaded = data.load(console::println);
        ModelAdapter adapter = Models.resolve(model, loaded.train().numFeatures(), loaded.train().numClasses(), seed);
        try (JavaSparkContext sc = startSpark()) {
            config = config(workers != null ? workers : sc.defaultParallelism());
            return train(sc, config, adapter, loaded, outDir);
        }
    }

    private int train(JavaSparkContext sc, TrainConfig config, ModelAdapter adapter, DataOptions.Loaded loaded,
                      Path outDir) throws Exception {
        if (config.globalBatch() > loaded.train().size()) {
            throw new UsageException("--global-batch " + config.globalBatch() + " is larger than the training set ("
                    + loaded.train().size() + " examples)");
        }
        ShardedDataset train = ShardedDataset.distribute(sc, loaded.train(), config.workers());
        ShardedDataset test = loaded.test() == null ? null : ShardedDataset.distribute(sc, loaded.test(), config.workers());
        Map<String, Object> run = provenance(sc, config, adapter, loaded);
        printResolved(config, adapter, loaded, sc);
        long start = System.nanoTime();
        try (RunRecorder recorder = RunRecorder.create(outDir);
             ConsoleProgress bar = progress ? new ConsoleProgress(console) : null) {
            recorder.writeRunJson(run);
            List<TrainListener> listeners = new ArrayList<>(List.of(recorder));
            if (bar != null) {
                listeners.add(bar);
            }
            TrainResult result = new SyncTrainer(sc, adapter, config).fit(train, test, new Listeners(listeners));
            adapter.save(result.params(), recorder.modelFile());
            double seconds = (System.nanoTime() - start) / 1e9;
            run.put("result", resultJson(result, seconds));
            recorder.writeRunJson(run);
            if (bar != null) {
                bar.close();
            }
            report(result, seconds, recorder);
        }
        return 0;
    }

    private TrainConfig config(int p) {
        if (epochs != null && steps != null) {
            throw new UsageException("give either --epochs or --steps, not both");
        }
        OptimizerConfig opt;
        try {
            opt = OptimizerConfig.of(OptimizerType.parse(optimizer)).withL2(l2).withWeightDecay(weightDecay)
                    .withMomentum(momentum);
        } catch (IllegalArgumentException e) {
            throw new UsageException(FlagNames.inMessage(e.getMessage()));
        }
        TrainConfig.Builder b = TrainConfig.builder().globalBatch(globalBatch).workers(p).lr(lr).optimizer(opt).seed(seed);
        if (steps != null) {
            b.steps(steps);
        } else {
            b.epochs(epochs != null ? epochs : DEFAULT_EPOCHS);
        }
        try {
            return b.build();
        } catch (ConfigException e) {
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

    private Map<String, Object> provenance(JavaSparkContext sc, TrainConfig config, ModelAdapter adapter,
                                           DataOptions.Loaded loaded) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "train");
        run.put("started", Instant.now().toString());
        run.put("config", config);
        run.put("model", Map.of("name", adapter.name(), "params", adapter.numParams(), "layers", adapter.describe()));
        run.put("dataset", data.describe(loaded));
        int spe = loaded.train().size() / config.globalBatch();
        Map<String, Object> derived = new LinkedHashMap<>();
        derived.put("global_batch", config.globalBatch());
        derived.put("workers", config.workers());
        derived.put("mean_worker_batch", (double) config.globalBatch() / config.workers());
        derived.put("steps_per_epoch", spe);
        derived.put("total_steps", config.totalSteps(spe));
        derived.put("lr", config.lr());
        run.put("derived", derived);
        run.put("spark", Map.of("master", sc.master(), "app_id", sc.sc().applicationId(),
                "default_parallelism", sc.defaultParallelism()));
        run.put("versions", Map.of("lockstep", Versions.lockstep(), "spark", Versions.spark(), "dl4j", Versions.DL4J,
                "java", System.getProperty("java.version")));
        run.put("git_commit", GitInfo.commit());
        return run;
    }

    private void printResolved(TrainConfig config, ModelAdapter adapter, DataOptions.Loaded loaded, JavaSparkContext sc) {
        int spe = loaded.train().size() / config.globalBatch();
        console.printf("lockstep train: model %s (%,d params), dataset %s (%,d train / %,d test)%n", adapter.name(),
                adapter.numParams(), loaded.name(), loaded.train().size(), loaded.test() == null ? 0 : loaded.test().size());
        console.printf("  Spark master %s, workers P=%d, global batch B=%d, per-worker batch ~%.1f%n", sc.master(),
                config.workers(), config.globalBatch(), (double) config.globalBatch() / config.workers());
        console.printf("  steps/epoch %d, total steps %d, optimizer %s, lr %g, seed %d%n", spe, config.totalSteps(spe),
                config.optimizer().describe(), config.lr(), config.seed());
    }

    private static Map<String, Object> resultJson(TrainResult result, double seconds) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("steps", result.steps());
        r.put("seconds", seconds);
        result.finalEvaluation().ifPresent(e -> {
            r.put("test_accuracy", e.accuracy());
            r.put("test_loss", e.loss());
        });
        r.put("model_file", RunRecorder.MODEL);
        return r;
    }

    private void report(TrainResult result, double seconds, RunRecorder recorder) {
        result.finalEvaluation().ifPresentOrElse(
                e -> console.printf("test accuracy %.4f (loss %.4f) after %d steps in %.1f s%n", e.accuracy(), e.loss(),
                        result.steps(), seconds),
                () -> console.printf("trained %d steps in %.1f s (no test set)%n", result.steps(), seconds));
        console.println("run directory: " + recorder.dir() + " (run.json, metrics.jsonl, model.zip)");
    }
}
