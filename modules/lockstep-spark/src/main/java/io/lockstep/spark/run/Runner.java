package io.lockstep.spark.run;

import io.lockstep.config.ConfigException;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.run.ModelSpec;
import io.lockstep.run.RunSpec;
import io.lockstep.spark.Checkpointing;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.FaultInjection;
import io.lockstep.spark.DriverPreflight;
import io.lockstep.spark.ExecutorPreflight;
import io.lockstep.spark.HadoopCheckpointStore;
import io.lockstep.spark.SparkDefaults;
import io.lockstep.spark.StopRequest;
import io.lockstep.spark.SyncTrainer;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import io.lockstep.spark.TransportChoice;
import io.lockstep.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The single entry point that runs a {@link RunSpec}: resolves it against its data (P, batch vs. training
 * set, model, schedule), places the data and trains with the exact {@link SyncTrainer}. A runner holds
 * a Spark context (started with {@link SparkDefaults}, or the caller's) and an {@link InputCache}, so
 * consecutive runs on the same data (a sweep) read it once. Closing releases the data and stops a
 * context the runner started.
 */
public final class Runner implements AutoCloseable {
    private final JavaSparkContext sc;
    private final boolean owned;
    private final InputCache cache;

    private Runner(JavaSparkContext sc, boolean owned, InputCache cache) {
        this.sc = sc;
        this.owned = owned;
        this.cache = cache;
    }

    /** A run resolved against its data: P resolved in {@code spec}, the trainer's config, the model and the split data. */
    public record Resolved(RunSpec spec, TrainConfig config, ModelAdapter model, SplitData data) {
        /** This run over step transport {@code t} (e.g. the one {@link Runner#transport} chose for {@code auto}). */
        public Resolved withTransport(StepTransportConfig t) {
            return new Resolved(spec.withTransport(t), config, model, data);
        }
    }

    /** A finished run. */
    public record Result(Resolved run, TrainResult result) {}

    /**
     * Starts Spark with Lockstep's defaults; master: {@code master}, else the one spark-submit set, else
     * {@code local[*]}.
     */
    public static Runner start(String master, String appName, InputCache cache) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        SparkDefaults.apply(conf);
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return new Runner(sc, true, cache);
    }

    /** {@link #start(String, String, InputCache)} with a quiet cache that reads IDX and table data (no MNIST fetching). */
    public static Runner start(String master, String appName) {
        return start(master, appName, new InputCache(line -> { }, MnistFiles.NONE));
    }

    /** A runner on the caller's context, which it does not stop. */
    public static Runner on(JavaSparkContext sc, InputCache cache) {
        return new Runner(sc, false, cache);
    }

    /** The Spark version on the classpath. */
    public static String sparkVersion() {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    /**
     * Resolves {@code spec} without Spark (IDX data read on the driver; P = the spec's workers, else 1), so
     * data, batch and model errors come before Spark starts. Not for table data.
     */
    public static Resolved check(RunSpec spec, InputCache cache) {
        return resolve(spec, null, cache);
    }

    /** True when the spec's data is read by Spark SQL (nothing can be checked against it before Spark starts). */
    public static boolean needsSpark(RunSpec spec) {
        return spec.data().train().kind().isTable();
    }

    /**
     * Resolves {@code spec} against its data: P (Spark's default parallelism when the spec has none), the
     * batch against the training set, the model against the data, the schedule against the run's length.
     *
     * @throws ConfigException naming the field and the problem
     */
    public Resolved resolve(RunSpec spec) {
        return resolve(spec, sc, cache);
    }

    private static Resolved resolve(RunSpec spec, JavaSparkContext sc, InputCache cache) {
        RunSpec s = spec.withWorkers(spec.workers() > 0 ? spec.workers() : sc != null ? sc.defaultParallelism() : 1);
        SplitData data = cache.split(s, sc);
        int trainSize = data.train().size();
        int batch = s.train().globalBatch();
        if (batch > trainSize) {
            throw new ConfigException("globalBatch " + batch + " is larger than the training set (" + trainSize + " examples)");
        }
        s.train().checkAdaptiveRange(trainSize);
        TrainConfig config = config(s, trainSize);
        ModelAdapter model = model(s, data.train());
        config.checkAdaScaleParts(model.batchDependent(), s.data().placement());
        return new Resolved(s, config, model, data);
    }

    private static ModelAdapter model(RunSpec s, SplitData.Part train) {
        ModelSpec m = s.model();
        return m.json() != null ? Models.fromJson(m.ref(), m.json(), train.numFeatures(), train.numClasses())
                : Models.resolve(m.ref(), train.numFeatures(), train.numClasses(), s.train().seed());
    }

    /** The trainer's config; a schedule that does not fit the run (e.g. warmup >= total steps) fails here, not in training. */
    private static TrainConfig config(RunSpec s, int trainSize) {
        try {
            TrainConfig c = s.trainConfig(s.train().scheduleStepsPerEpoch(trainSize));
            c.schedule(c.scheduleLength(c.batchPlan(trainSize), trainSize));
            return c;
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The run's data placed over its P workers (cached for the next run on the same data and P). */
    public InputCache.Inputs inputs(Resolved run) {
        return cache.inputs(run.spec(), sc, run.config().workers(), run.spec().data().placement());
    }

    /**
     * Refuses, before anything is written, a run whose per-step results or driver arrays do not fit this
     * context's driver ({@link DriverPreflight}), or whose gradient tasks do not fit its executors
     * ({@link ExecutorPreflight}); the trainer checks again before its first step.
     *
     * @throws io.lockstep.config.ConfigException naming the setting to change
     */
    public void preflight(Resolved run, InputCache.Inputs in) {
        DriverPreflight.of(run.model().numParams(), in.train().numPartitions(), run.config())
                .check(sc.getConf(), Runtime.getRuntime().maxMemory());
        ExecutorPreflight.of(run.model(), run.config(), in.train().placement(), in.train().numPartitions())
                .check(sc.getConf(), sc.isLocal(), sc.defaultParallelism(), Runtime.getRuntime().maxMemory());
    }

    /**
     * The step transport the run will use on this context ({@link TransportChoice}: {@code auto} decided, with the
     * reason when it is the job transport).
     *
     * @throws ConfigException when the spec asks for the channel and this context cannot run it
     */
    public TransportChoice transport(Resolved run, InputCache.Inputs in) {
        return TransportChoice.of(sc, in.train().numPartitions(), run.spec().transport());
    }

    /**
     * Trains a resolved run on its placed data, its steps over the spec's {@linkplain RunSpec#transport() step
     * transport}; a halt on divergence is a result, not an exception, and so is a stop on {@code stop}
     * ({@link TrainResult.Outcome#INTERRUPTED}, after the step during which it was made).
     */
    public TrainResult train(Resolved run, InputCache.Inputs in, TrainListener listener, Checkpointing checkpointing,
                             FaultInjection faults, StopRequest stop) {
        EvalSets evalSets = EvalSets.none()
                .with(EvalSets.TRAIN, run.spec().output().evalTrain() ? in.train() : null)
                .with(EvalSets.VALIDATION, in.validation())
                .with(EvalSets.TEST, in.test());
        return new SyncTrainer(sc, run.model(), run.config()).withFaultInjection(faults).withStopRequest(stop)
                .withTransport(run.spec().transport())
                .fit(in.train(), evalSets, listener, checkpointing);
    }

    /**
     * Resolves and trains {@code spec} from scratch, checkpointing as its output says; {@code listener}
     * receives the run's events.
     */
    public Result run(RunSpec spec, TrainListener listener) throws IOException {
        Resolved run = resolve(spec);
        long every = spec.output().checkpointEvery();
        Checkpointing checkpointing = every == 0 ? Checkpointing.none() : checkpointing(checkpointUri(spec),
                every == io.lockstep.run.OutputSpec.EACH_EPOCH ? Checkpointing.EACH_EPOCH : every,
                spec.output().keepCheckpoints(), null, Map.of());
        return new Result(run, train(run, inputs(run), listener, checkpointing, FaultInjection.none(), new StopRequest()));
    }

    /**
     * The checkpoint URI of {@code spec}: its checkpoint dir, else {@code <output dir>/checkpoints}.
     *
     * @throws ConfigException when the spec has neither
     */
    public static String checkpointUri(RunSpec spec) {
        if (spec.output().checkpointDir() != null) {
            return spec.output().checkpointDir();
        }
        if (spec.output().dir() == null) {
            throw new ConfigException("checkpointDir must be given when the output has no dir");
        }
        return Path.of(spec.output().dir()).toAbsolutePath().resolve("checkpoints").toUri().toString();
    }

    /**
     * The newest complete checkpoint at {@code uri} that passes verification, if any (newer ones that fail are
     * skipped with a warning).
     *
     * @throws io.lockstep.train.CheckpointException if there are checkpoints but none passes verification
     */
    public Optional<TrainingCheckpoint> latestCheckpoint(String uri) throws IOException {
        return new HadoopCheckpointStore(uri, sc.hadoopConfiguration()).latest();
    }

    /**
     * Checkpointing to {@code uri} every {@code every} steps ({@link Checkpointing#EACH_EPOCH}: after every
     * epoch), keeping the newest {@code keep}, resuming from {@code from} (null: from scratch).
     */
    public Checkpointing checkpointing(String uri, long every, int keep, TrainingCheckpoint from,
                                       Map<String, String> metadata) {
        return new Checkpointing(new HadoopCheckpointStore(uri, sc.hadoopConfiguration(), keep), every, from, metadata);
    }

    /** The context's master, application id and default parallelism, for run.json. */
    public Map<String, Object> sparkInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("master", sc.master());
        m.put("app_id", sc.sc().applicationId());
        m.put("default_parallelism", sc.defaultParallelism());
        return m;
    }

    /** The tasks Spark runs at once: its default parallelism (local[N]: N; a cluster: the executors' cores). */
    public int taskSlots() {
        return sc.defaultParallelism();
    }

    /** The Spark UI's address, if the UI is enabled. */
    public Optional<String> uiUrl() {
        scala.Option<String> url = sc.sc().uiWebUrl();
        return url.isDefined() ? Optional.of(url.get()) : Optional.empty();
    }

    public String master() {
        return sc.master();
    }

    /** True once the context was stopped (e.g. by a JVM shutdown). */
    public boolean stopped() {
        return sc.sc().isStopped();
    }

    JavaSparkContext context() {
        return sc;
    }

    @Override
    public void close() {
        cache.close();
        if (owned) {
            sc.close();
        }
    }
}
