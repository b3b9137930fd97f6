package io.lockstep.spark.ml;

import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataException;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.ModelException;
import io.lockstep.model.Models;
import io.lockstep.spark.Checkpointing;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.HadoopCheckpointStore;
import io.lockstep.spark.IndexedExamples;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.spark.SqlTables;
import io.lockstep.spark.SyncTrainer;
import io.lockstep.spark.TrainResult;
import io.lockstep.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark ML {@code Estimator} that trains a DL4J classifier with Lockstep's exact synchronous
 * data-parallel trainer. {@code fit(df)} validates and numbers the rows of {@code df} (label and features
 * columns) as {@code lockstep train} does a table's, holds out {@code validationFraction} with {@code seed},
 * shards or replicates the training rows over {@code workers} tasks and runs the same
 * {@link SyncTrainer}, so a fit equals {@code lockstep train} on the same rows (in the DataFrame's partition
 * order), seed, B and P. Every bad Param or column fails with one {@link IllegalArgumentException} naming it.
 *
 * <p>Divergence (a NaN/Inf loss or gradient, or a loss above {@code divergenceFactor} × the lowest smoothed
 * loss) is handled as by {@code lockstep train --on-divergence}: with {@code onDivergence = "halt"} (the
 * default) fit stops at the first diverged step, logs one WARN line and still returns a model, holding the
 * last good parameters (never NaN); with {@code "rollback"} it restores the last good state, multiplies the
 * learning rate by {@code rollbackLrFactor} and continues, at most {@code maxRollbacks} times, then halts
 * the same way. Fit never throws on divergence: check {@link TrainingHistory#outcome()} ({@code DIVERGED}
 * after a halt) and {@link TrainingHistory#divergences()} (every diverged step and what was done).
 */
public final class LockstepClassifier extends LockstepClassifierParams implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LockstepClassifier.class);
    private static final String INPUT = TrainSettings.STAGE + " input";

    public LockstepClassifier() {
        this(Identifiable$.MODULE$.randomUID("lockstep"));
    }

    public LockstepClassifier(String uid) {
        super(uid);
    }

    public LockstepClassifier setFeaturesCol(String v) { set(featuresCol(), v); return this; }
    public LockstepClassifier setLabelCol(String v) { set(labelCol(), v); return this; }
    public LockstepClassifier setPredictionCol(String v) { set(predictionCol(), v); return this; }
    public LockstepClassifier setProbabilityCol(String v) { set(probabilityCol(), v); return this; }
    public LockstepClassifier setRawPredictionCol(String v) { set(rawPredictionCol(), v); return this; }
    public LockstepClassifier setScoreBatch(int v) { set(scoreBatch(), v); return this; }
    public LockstepClassifier setNumClasses(int v) { set(numClasses(), v); return this; }
    public LockstepClassifier setModel(String v) { set(model(), v); return this; }
    public LockstepClassifier setGlobalBatch(int v) { set(globalBatch(), v); return this; }
    public LockstepClassifier setWorkers(int v) { set(workers(), v); return this; }
    public LockstepClassifier setEpochs(int v) { set(epochs(), v); return this; }
    public LockstepClassifier setSteps(long v) { set(steps(), v); return this; }
    public LockstepClassifier setOptimizer(String v) { set(optimizer(), v); return this; }
    public LockstepClassifier setLr(double v) { set(lr(), v); return this; }
    public LockstepClassifier setMomentum(double v) { set(momentum(), v); return this; }
    public LockstepClassifier setL2(double v) { set(l2(), v); return this; }
    public LockstepClassifier setWeightDecay(double v) { set(weightDecay(), v); return this; }
    public LockstepClassifier setLrScaling(String v) { set(lrScaling(), v); return this; }
    public LockstepClassifier setReferenceBatch(int v) { set(referenceBatch(), v); return this; }
    public LockstepClassifier setSchedule(String v) { set(schedule(), v); return this; }
    public LockstepClassifier setWarmup(String v) { set(warmup(), v); return this; }
    public LockstepClassifier setWarmupSteps(long v) { set(warmupSteps(), v); return this; }
    public LockstepClassifier setGhostBatch(int v) { set(ghostBatch(), v); return this; }
    public LockstepClassifier setMicroBatch(int v) { set(microBatch(), v); return this; }
    public LockstepClassifier setDataPlacement(String v) { set(dataPlacement(), v); return this; }
    public LockstepClassifier setSeed(long v) { set(seed(), v); return this; }
    public LockstepClassifier setValidationFraction(double v) { set(validationFraction(), v); return this; }
    public LockstepClassifier setEvalTrain(boolean v) { set(evalTrain(), v); return this; }
    public LockstepClassifier setOnDivergence(String v) { set(onDivergence(), v); return this; }
    public LockstepClassifier setDivergenceFactor(double v) { set(divergenceFactor(), v); return this; }
    public LockstepClassifier setMaxRollbacks(int v) { set(maxRollbacks(), v); return this; }
    public LockstepClassifier setRollbackLrFactor(double v) { set(rollbackLrFactor(), v); return this; }
    public LockstepClassifier setCheckpointDir(String v) { set(checkpointDir(), v); return this; }
    public LockstepClassifier setCheckpointEvery(long v) { set(checkpointEvery(), v); return this; }
    public LockstepClassifier setKeepCheckpoints(int v) { set(keepCheckpoints(), v); return this; }
    /** A goodput-driven global batch in [globalBatch, v] (0 = fixed); needs lrScaling adascale. */
    public LockstepClassifier setMaxBatch(int v) { set(maxBatch(), v); return this; }
    public LockstepClassifier setAdaptEvery(int v) { set(adaptEvery(), v); return this; }
    public LockstepClassifier setResume(boolean v) { set(resume(), v); return this; }
    /** {@code job} (default) or {@code channel}. */
    public LockstepClassifier setStepTransport(String v) { set(stepTransport(), v); return this; }
    /** With {@code stepTransport channel}: seconds one step may take; 0 = the default. */
    public LockstepClassifier setStepTimeout(long v) { set(stepTimeout(), v); return this; }

    @Override
    public LockstepClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        @SuppressWarnings("unchecked")
        Dataset<Row> df = (Dataset<Row>) dataset.toDF();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        int p = getWorkers() > 0 ? getWorkers() : sc.defaultParallelism();
        TrainSettings settings = new TrainSettings(this);
        settings.checkWithoutData(p);

        IndexedExamples all = examples(df);
        IndexedExamples train = all;
        IndexedExamples validation = null;
        if (getValidationFraction() > 0) {
            IndexedExamples.Split split = data(() -> all.holdOut(getValidationFraction(), getSeed()));
            train = split.train();
            validation = split.validation();
        }
        TrainConfig config = settings.config(p, train.size());
        ModelAdapter adapter = model(train.numFeatures(), train.numClasses());
        SessionCheck.warnOnce(sc.sc(), 4L * adapter.numParams() * p, LOG::warn);
        io.lockstep.run.RunWarnings.of(config, adapter.batchDependent(), settings.placement(), sc.defaultParallelism())
                .forEach(w -> LOG.warn("{}: {}", TrainSettings.STAGE, w));
        return train(sc, adapter, config, settings, train, validation);
    }

    private LockstepClassificationModel train(JavaSparkContext sc, ModelAdapter adapter, TrainConfig config,
                                              TrainSettings settings, IndexedExamples trainRows, IndexedExamples validationRows) {
        IndexedExamples t = trainRows;
        ShardedDataset train = data(() -> t.shard(config.workers()).placed(sc, settings.placement()));
        ShardedDataset validation = validationRows == null ? null : data(() -> validationRows.shard(config.workers()));
        try {
            EvalSets evalSets = EvalSets.none().with(EvalSets.TRAIN, getEvalTrain() ? train : null)
                    .with(EvalSets.VALIDATION, validation);
            TrainingHistory.Recorder recorder = new TrainingHistory.Recorder();
            TrainResult result;
            try {
                result = new SyncTrainer(sc, adapter, config).withTransport(settings.transport())
                        .fit(train, evalSets, recorder, checkpointing(sc));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(TrainSettings.STAGE + ": " + e.getMessage(), e);
            }
            if (result.outcome() == TrainResult.Outcome.DIVERGED) {
                LOG.warn("{}: training diverged ({}); the model holds the last good parameters",
                        TrainSettings.STAGE, result.divergences().isEmpty() ? "" : result.divergences().get(0));
            }
            LockstepClassificationModel m = new LockstepClassificationModel(uid(), adapter, result.params(),
                    recorder.history(result));
            return copyValues(m, ParamMap.empty()).setParent(this);
        } finally {
            train.release();
            if (validation != null) {
                validation.release();
            }
        }
    }

    /** The rows of {@code df} as numbered, validated examples (features as floats, labels as class indices). */
    private IndexedExamples examples(Dataset<Row> df) {
        Dataset<Row> input = Columns.featuresAsArray(df.select(df.col(getLabelCol()), df.col(getFeaturesCol())),
                getFeaturesCol());
        int k = getNumClasses() > 0 ? getNumClasses() : classesFromMetadata(df.schema().apply(getLabelCol()));
        if (getNumClasses() < 0) {
            throw new IllegalArgumentException(TrainSettings.STAGE + " param numClasses: must be at least 2, or 0 for"
                    + " automatic (got " + getNumClasses() + ")");
        }
        return data(() -> SqlTables.fromDataFrame(input, INPUT, getLabelCol(), getFeaturesCol(), k));
    }

    /** K from a StringIndexer-style nominal (or binary) label attribute, else 0 (= largest label + 1). */
    private static int classesFromMetadata(StructField label) {
        Attribute a = Attribute.fromStructField(label);
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
            return (Integer) n.getNumValues().get();
        }
        return a instanceof BinaryAttribute ? 2 : 0;
    }

    private ModelAdapter model(int numFeatures, int numClasses) {
        String m = getModel().trim();
        try {
            return m.startsWith("{") ? Models.fromJson("model JSON", m, numFeatures, numClasses)
                    : Models.resolve(m, numFeatures, numClasses, getSeed());
        } catch (ModelException e) {
            throw new IllegalArgumentException(TrainSettings.STAGE + " param model: " + e.getMessage(), e);
        }
    }

    private Checkpointing checkpointing(JavaSparkContext sc) {
        if (getCheckpointDir().isBlank()) {
            return Checkpointing.none();
        }
        HadoopCheckpointStore store = new HadoopCheckpointStore(getCheckpointDir(), sc.hadoopConfiguration(),
                getKeepCheckpoints());
        TrainingCheckpoint from = null;
        if (getResume()) {
            try {
                from = store.latest().orElseThrow(() -> new IllegalArgumentException(TrainSettings.STAGE
                        + " param resume: no complete checkpoint in " + getCheckpointDir()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read checkpoints in " + getCheckpointDir() + ": " + e.getMessage(), e);
            }
        }
        return new Checkpointing(store, getCheckpointEvery(), from, Map.of("estimator", uid()));
    }

    /** Runs data work, turning a {@link DataException} (it names the column) into an IllegalArgumentException. */
    private static <T> T data(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (DataException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Checks the input columns and returns the schema with the model's output columns. */
    @Override
    public StructType transformSchema(StructType schema) {
        Columns.checkLabel(TrainSettings.STAGE, schema, getLabelCol());
        return LockstepClassificationModel.outputSchema(TrainSettings.STAGE, schema, columns(), this);
    }

    @Override
    public LockstepClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<LockstepClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static LockstepClassifier load(String path) {
        return read().load(path);
    }
}
