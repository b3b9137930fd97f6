package io.lockstep.spark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lockstep.config.ConfigException;
import io.lockstep.data.DataException;
import io.lockstep.data.IdxReader;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.ModelException;
import io.lockstep.model.SavedModel;
import io.lockstep.run.DataSpec;
import io.lockstep.run.PredictSpec;
import io.lockstep.spark.Example;
import io.lockstep.spark.IndexedExamples;
import io.lockstep.spark.SqlTables;
import io.lockstep.spark.TableSpec;
import io.lockstep.spark.ml.LockstepClassificationModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Scores a table (parquet, csv) or an IDX image file with a saved model and writes the predictions as
 * Parquet. Tables are read and numbered by {@link SqlTables} on the cluster (IDX files on the driver, then
 * distributed); scoring is {@link LockstepClassificationModel#transform}: one network per task, batched
 * inference-mode forward passes on the executors. Output columns: {@value #ID} (the row's index in input
 * order, as {@link SqlTables} numbers rows), {@value #LABEL} (int, only when the input has labels),
 * {@value #PREDICTION} (int class) and {@value #PROBABILITY} ({@code array<double>}, one per class).
 * An existing output is never overwritten.
 */
public final class Predictor {
    public static final String ID = "id";
    public static final String LABEL = "label";
    public static final String PREDICTION = "prediction";
    public static final String PROBABILITY = "probability";
    private static final String FEATURES = "features";
    private static final String RUN_MODEL = "model.zip";
    private static final String ML_MODEL = "data/model.zip";

    private Predictor() {}

    /**
     * What was scored.
     *
     * @param accuracy fraction of rows whose prediction equals the label; NaN without labels
     * @param seconds  scoring and writing (not reading the model, nor validating the input)
     */
    public record Result(long rows, int numFeatures, int numClasses, boolean labelled, double accuracy, double seconds) {
        public double examplesPerSecond() {
            return rows / Math.max(seconds, 1e-9);
        }
    }

    /** The rows to score, numbered {@code 0..n-1}. */
    private record Input(String name, JavaPairRDD<Long, Example> rows, int numFeatures, boolean labelled) {}

    /**
     * Scores {@code spec} on {@code runner}'s cluster.
     *
     * @throws ConfigException when the output exists
     * @throws ModelException  naming the model file when it cannot be read or does not fit the input
     * @throws DataException   naming the input file and column when it cannot be read
     */
    public static Result predict(Runner runner, PredictSpec spec, Consumer<String> log) {
        return predict(runner, spec, model(spec), log);
    }

    /**
     * Reads the spec's model on the driver, without Spark (so a bad model path fails before Spark starts).
     *
     * @throws ModelException naming the file
     */
    public static SavedModel model(PredictSpec spec) {
        return SavedModel.read(modelFile(spec.model()));
    }

    /** {@link #predict(Runner, PredictSpec, Consumer)} with the spec's model already read by {@link #model}. */
    public static Result predict(Runner runner, PredictSpec spec, SavedModel saved, Consumer<String> log) {
        JavaSparkContext sc = runner.context();
        SparkSession spark = SqlTables.session(sc);
        checkAbsent(sc, spec.out());
        log.accept("model " + saved.file() + " (" + saved.numClasses() + " classes)");
        Input in = spec.format() == DataSpec.Kind.IDX ? readIdx(sc, spec, saved.numClasses())
                : readTable(spark, spec, saved.numClasses(), log);
        ModelAdapter adapter = adapter(saved, in);
        long t0 = System.nanoTime();
        LockstepClassificationModel model = LockstepClassificationModel.of(adapter, saved.params())
                .setFeaturesCol(FEATURES).setScoreBatch(spec.batch());
        outputColumns(model.transform(frame(spark, in)), in.labelled())
                .write().mode(SaveMode.ErrorIfExists).parquet(spec.out());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return summarize(spark.read().parquet(spec.out()), in, adapter.numClasses(), seconds);
    }

    /** {@code model} itself, or the zip inside a run directory or a saved LockstepClassificationModel. */
    static Path modelFile(String model) {
        Path p = Path.of(model);
        if (!Files.isDirectory(p)) {
            return p;
        }
        for (String inside : List.of(RUN_MODEL, ML_MODEL)) {
            if (Files.isRegularFile(p.resolve(inside))) {
                return p.resolve(inside);
            }
        }
        throw new ModelException(model + ": directory has neither " + RUN_MODEL + " (a lockstep train run directory) nor "
                + ML_MODEL + " (a saved LockstepClassificationModel)");
    }

    private static void checkAbsent(JavaSparkContext sc, String out) {
        boolean exists;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(out);
            exists = p.getFileSystem(sc.hadoopConfiguration()).exists(p);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("out " + out + ": cannot access: " + e.getMessage());
        }
        if (exists) {
            throw new ConfigException("out " + out + " already exists; predict never overwrites: choose another path");
        }
    }

    private static Input readTable(SparkSession spark, PredictSpec spec, int numClasses, Consumer<String> log) {
        TableSpec.Format format = TableSpec.Format.byName(spec.format().cliName());
        String labelCol = spec.labelCol() != null ? spec.labelCol()
                : SqlTables.columnNames(spark, format, spec.input()).contains(LABEL) ? LABEL : null;
        TableSpec table = new TableSpec(format, spec.input(), labelCol, spec.resolvedFeaturesCol(),
                spec.resolvedFeatureCols(), numClasses);
        log.accept("reading " + format.cliName() + " " + spec.input() + " ("
                + (labelCol == null ? "no label column" : "label column " + labelCol) + ", features: "
                + table.describeFeatures() + ")");
        IndexedExamples rows = SqlTables.read(spark, table);
        return new Input(spec.input(), rows.rows(), rows.numFeatures(), table.labelled());
    }

    private static Input readIdx(JavaSparkContext sc, PredictSpec spec, int numClasses) {
        Path images = Path.of(spec.input());
        float[] x;
        int[] y;
        int nf;
        if (spec.labels() != null) {
            io.lockstep.data.Dataset d = IdxReader.read(images, Path.of(spec.labels()), numClasses);
            x = d.features();
            y = d.labels();
            nf = d.numFeatures();
        } else {
            IdxReader.Images im = IdxReader.readImages(images);
            x = im.features();
            y = new int[im.count()];
            nf = im.numFeatures();
        }
        List<Tuple2<Long, Example>> rows = new ArrayList<>(y.length);
        for (int i = 0; i < y.length; i++) {
            rows.add(new Tuple2<>((long) i, new Example(y[i], Arrays.copyOfRange(x, i * nf, (i + 1) * nf))));
        }
        return new Input(spec.input(), sc.parallelizePairs(rows, sc.defaultParallelism()), nf, spec.labels() != null);
    }

    private static ModelAdapter adapter(SavedModel saved, Input in) {
        try {
            return saved.adapter(in.numFeatures());
        } catch (ModelException e) {
            throw new ModelException(e.getMessage() + " (input " + in.name() + " has " + in.numFeatures()
                    + " features per row)");
        }
    }

    /** id, label (when labelled) and features as {@code array<float>}, in input order. */
    private static Dataset<Row> frame(SparkSession spark, Input in) {
        boolean labelled = in.labelled();
        StructType schema = new StructType().add(ID, DataTypes.LongType, false);
        if (labelled) {
            schema = schema.add(LABEL, DataTypes.IntegerType, false);
        }
        schema = schema.add(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        JavaRDD<Row> rows = in.rows().map(t -> labelled ? RowFactory.create(t._1(), t._2().label(), t._2().features())
                : RowFactory.create(t._1(), t._2().features()));
        return spark.createDataFrame(rows, schema);
    }

    private static Dataset<Row> outputColumns(Dataset<Row> scored, boolean labelled) {
        List<Column> cols = new ArrayList<>(List.of(col(ID)));
        if (labelled) {
            cols.add(col(LABEL));
        }
        cols.add(col("prediction").cast(DataTypes.IntegerType).as(PREDICTION));
        cols.add(org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").as(PROBABILITY));
        return scored.select(cols.toArray(Column[]::new));
    }

    private static Result summarize(Dataset<Row> written, Input in, int numClasses, double seconds) {
        Column correct = in.labelled() ? sum(when(col(PREDICTION).equalTo(col(LABEL)), 1L).otherwise(0L)) : lit(0L);
        Row r = written.agg(count(lit(1)), correct).first();
        long rows = r.getLong(0);
        double accuracy = in.labelled() && rows > 0 ? (double) r.getLong(1) / rows : Double.NaN;
        return new Result(rows, in.numFeatures(), numClasses, in.labelled(), accuracy, seconds);
    }
}
