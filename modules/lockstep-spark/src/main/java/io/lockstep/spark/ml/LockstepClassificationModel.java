package io.lockstep.spark.ml;

import io.lockstep.model.ModelAdapter;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;

/**
 * A classifier fitted by {@link LockstepClassifier}: the DL4J network (configuration and trained
 * parameters) and its {@link #history() training history}. {@link #transform} scores on the executors, one
 * network per task, {@code scoreBatch} rows per inference-mode forward pass, and appends three columns
 * that Spark's classification evaluators read:
 * <ul>
 *   <li>{@code rawPredictionCol}: the natural logarithm of each class probability (the network ends in a
 *       softmax, so these are the logits up to a per-row constant; {@code -Infinity} where a float
 *       probability underflows to 0);</li>
 *   <li>{@code probabilityCol}: the softmax probabilities;</li>
 *   <li>{@code predictionCol}: the most probable class index as a double (the first on ties).</li>
 * </ul>
 * Saves as Spark ML metadata plus the DL4J {@code ModelSerializer} zip ({@code data/model.zip}), which plain
 * DL4J also loads.
 */
public final class LockstepClassificationModel extends Model<LockstepClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "LockstepClassificationModel";

    private final String uid;
    private final ColumnParams columns;
    private final Param<String> labelCol;
    private final ModelAdapter adapter;
    private final float[] params;
    private final TrainingHistory history;

    LockstepClassificationModel(String uid, ModelAdapter adapter, float[] params, TrainingHistory history) {
        this.uid = uid;
        this.columns = new ColumnParams(this);
        this.labelCol = new Param<>(this, "labelCol", "label column the model was trained on (not read by transform)");
        setDefault(labelCol, "label");
        this.adapter = adapter;
        this.params = params.clone();
        this.history = history;
    }

    /**
     * A model that scores with {@code params} in {@code adapter}'s network, e.g. one read back from a DL4J
     * model zip ({@link io.lockstep.model.SavedModel}); its history is {@link TrainingHistory#none()}.
     */
    public static LockstepClassificationModel of(ModelAdapter adapter, float[] params) {
        if (params.length != adapter.numParams()) {
            throw new IllegalArgumentException(STAGE + ": " + params.length + " parameters given but model '"
                    + adapter.name() + "' has " + adapter.numParams());
        }
        return new LockstepClassificationModel(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("lockstep"),
                adapter, params, TrainingHistory.none());
    }

    @Override
    public String uid() { return uid; }

    public Param<String> featuresCol() { return columns.featuresCol; }
    public Param<String> predictionCol() { return columns.predictionCol; }
    public Param<String> probabilityCol() { return columns.probabilityCol; }
    public Param<String> rawPredictionCol() { return columns.rawPredictionCol; }
    public IntParam scoreBatch() { return columns.scoreBatch; }
    public Param<String> labelCol() { return labelCol; }

    public LockstepClassificationModel setFeaturesCol(String v) { set(featuresCol(), v); return this; }
    public LockstepClassificationModel setPredictionCol(String v) { set(predictionCol(), v); return this; }
    public LockstepClassificationModel setProbabilityCol(String v) { set(probabilityCol(), v); return this; }
    public LockstepClassificationModel setRawPredictionCol(String v) { set(rawPredictionCol(), v); return this; }
    public LockstepClassificationModel setScoreBatch(int v) { set(scoreBatch(), v); return this; }

    /** What training did: outcome, steps, per-epoch loss and every evaluation. */
    public TrainingHistory history() { return history; }
    public int numFeatures() { return adapter.numFeatures(); }
    public int numClasses() { return adapter.numClasses(); }
    /** The name of the model ("mlp", ..., or "model JSON"). */
    public String modelName() { return adapter.name(); }
    /** A copy of the trained flat parameter vector (DL4J's layout). */
    public float[] parameters() { return params.clone(); }
    /** A plain DL4J network ({@code MultiLayerNetwork} or {@code ComputationGraph}) with the trained parameters. */
    public org.deeplearning4j.nn.api.Model network() { return adapter.toDl4j(params); }

    ModelAdapter adapter() { return adapter; }
    float[] rawParameters() { return params; }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        int batch = (Integer) getOrDefault(scoreBatch());
        if (batch < 1) {
            throw new IllegalArgumentException(STAGE + " param scoreBatch: must be at least 1 (got " + batch + ")");
        }
        return BatchScorer.score(dataset.toDF(), out, dataset.schema().fieldIndex(getOrDefault(featuresCol())),
                adapter, params, batch);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(STAGE, schema, columns, this);
    }

    /** {@code schema} plus rawPrediction, probability and prediction columns, after checking the features column. */
    static StructType outputSchema(String stage, StructType schema, ColumnParams c, Params owner) {
        Columns.checkFeatures(stage, schema, owner.getOrDefault(c.featuresCol));
        String raw = owner.getOrDefault(c.rawPredictionCol);
        String prob = owner.getOrDefault(c.probabilityCol);
        String pred = owner.getOrDefault(c.predictionCol);
        Columns.checkAbsent(stage, schema, "rawPredictionCol", raw);
        Columns.checkAbsent(stage, schema, "probabilityCol", prob);
        Columns.checkAbsent(stage, schema, "predictionCol", pred);
        if (raw.equals(prob) || raw.equals(pred) || prob.equals(pred)) {
            throw new IllegalArgumentException(stage + " params rawPredictionCol, probabilityCol, predictionCol: need"
                    + " three different names (got " + raw + ", " + prob + ", " + pred + ")");
        }
        Metadata predMeta = owner instanceof LockstepClassificationModel m
                ? NominalAttribute.defaultAttr().withName(pred).withNumValues(m.numClasses()).toMetadata()
                : Metadata.empty();
        return schema.add(raw, SQLDataTypes.VectorType(), false)
                .add(prob, SQLDataTypes.VectorType(), false)
                .add(DataTypes.createStructField(pred, DataTypes.DoubleType, false, predMeta));
    }

    @Override
    public LockstepClassificationModel copy(ParamMap extra) {
        LockstepClassificationModel m = new LockstepClassificationModel(uid, adapter, params, history);
        return copyValues(m, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelFiles.Writer(this);
    }

    public static MLReader<LockstepClassificationModel> read() {
        return new ModelFiles.Reader();
    }

    public static LockstepClassificationModel load(String path) {
        return read().load(path);
    }
}
