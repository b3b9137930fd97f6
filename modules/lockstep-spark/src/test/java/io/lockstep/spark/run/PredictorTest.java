package io.lockstep.spark.run;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.model.ModelAdapter;
import io.lockstep.model.ModelException;
import io.lockstep.model.Models;
import io.lockstep.run.DataSpec;
import io.lockstep.run.PredictSpec;
import io.lockstep.spark.ml.LockstepClassificationModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Predictor} with a saved {@code LockstepClassificationModel} directory: its predictions equal plain
 * DL4J's on the rows of the input file (in file order); a model that does not fit the input is named.
 */
class PredictorTest {
    private static final int N = 200;

    @TempDir
    static Path tmp;

    private static SparkSession spark;
    private static Runner runner;
    private static Path modelDir;

    @BeforeAll
    static void start() throws java.io.IOException {
        spark = SparkSession.builder().master("local[2]").appName("PredictorTest").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        runner = Runner.on(JavaSparkContext.fromSparkContext(spark.sparkContext()), new InputCache(l -> { }, MnistFiles.NONE));
        ModelAdapter adapter = ModelAdapter.of("mlp", Models.mlp(4, 3, 7), 4, 3);
        modelDir = tmp.resolve("ml-model");
        LockstepClassificationModel.of(adapter, adapter.initialParams()).write().save(modelDir.toString());
    }

    @AfterAll
    static void stop() {
        runner.close();
        spark.stop();
    }

    /** One parquet file: label (int) and {@code width} doubles as an array column, random rows. */
    private static Path table(String name, int width) {
        Random rng = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            Object[] v = new Object[width + 1];
            v[0] = rng.nextInt(3);
            for (int j = 0; j < width; j++) {
                v[j + 1] = rng.nextGaussian() * 2;
            }
            rows.add(RowFactory.create(v));
        }
        StructType schema = new StructType().add("label", DataTypes.IntegerType, false);
        List<org.apache.spark.sql.Column> x = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            schema = schema.add("x" + j, DataTypes.DoubleType, false);
            x.add(col("x" + j));
        }
        Path out = tmp.resolve(name);
        spark.createDataFrame(rows, schema).select(col("label"), array(x.toArray(org.apache.spark.sql.Column[]::new))
                .as("features")).coalesce(1).write().parquet(out.toString());
        return out;
    }

    private static PredictSpec spec(Path input, String out) {
        return new PredictSpec(modelDir.toString(), DataSpec.Kind.PARQUET, input.toString(), null, null, null, null,
                tmp.resolve(out).toString(), 16);
    }

    @Test
    void predictionsOfASavedSparkMlModelEqualDl4j() throws Exception {
        Path input = table("four.parquet", 4);
        Predictor.Result r = Predictor.predict(runner, spec(input, "out"), l -> { });
        assertEquals(N, r.rows());
        assertTrue(r.labelled());

        List<Row> in = spark.read().parquet(input.toString()).collectAsList(); // one file, one partition: file order
        float[] x = new float[N * 4];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = in.get(i).getInt(0);
            List<Double> f = in.get(i).getList(1);
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = f.get(j).floatValue();
            }
        }
        MultiLayerNetwork net = MultiLayerNetwork.load(modelDir.resolve("data/model.zip").toFile(), false);
        INDArray expected = net.output(Nd4j.create(x, new long[] {N, 4}, 'c'));
        long correct = 0;
        List<Row> out = spark.read().parquet(tmp.resolve("out").toString()).orderBy("id").collectAsList();
        assertEquals(N, out.size());
        for (int i = 0; i < N; i++) {
            Row o = out.get(i);
            int best = expected.getRow(i).argMax().getInt(0);
            assertEquals(i, o.getLong(o.fieldIndex("id")));
            assertEquals(y[i], o.getInt(o.fieldIndex("label")), "label of row " + i);
            assertEquals(best, o.getInt(o.fieldIndex("prediction")), "prediction of row " + i);
            List<Double> p = o.getList(o.fieldIndex("probability"));
            for (int c = 0; c < 3; c++) {
                assertEquals(expected.getFloat(i, c), p.get(c), 1e-6, "probability " + c + " of row " + i);
            }
            correct += best == y[i] ? 1 : 0;
        }
        assertEquals((double) correct / N, r.accuracy(), 1e-12);
    }

    @Test
    void modelThatDoesNotFitTheInputIsNamed() {
        Path input = table("three.parquet", 3);
        ModelException e = assertThrows(ModelException.class, () -> Predictor.predict(runner, spec(input, "bad"), l -> { }));
        assertTrue(e.getMessage().contains("data/model.zip") && e.getMessage().contains("does not accept 3 input features")
                && e.getMessage().contains(input + " has 3 features per row"), e.getMessage());
    }
}
