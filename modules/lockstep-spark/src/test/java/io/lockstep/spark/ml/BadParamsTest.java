package io.lockstep.spark.ml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every bad Param or column fails fit with one IllegalArgumentException naming it, before any training. */
class BadParamsTest {
    private static SparkSession spark;
    private static Dataset<Row> df;

    @BeforeAll
    static void start() {
        spark = MlTestData.session("BadParamsTest");
        df = new VectorAssembler().setInputCols(MlTestData.FEATURES).setOutputCol("features")
                .transform(MlTestData.blobs(spark, 60, 9, 2));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static String failure(UnaryOperator<LockstepClassifier> setup, Dataset<Row> data) {
        LockstepClassifier c = setup.apply(new LockstepClassifier().setGlobalBatch(8).setWorkers(2).setEpochs(1));
        String m = assertThrows(IllegalArgumentException.class, () -> c.fit(data)).getMessage();
        assertTrue(!m.contains("\n"), "one line: " + m);
        return m;
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' missing in: " + message);
        }
    }

    @Test
    void unknownOptimizer() {
        assertContains(failure(c -> c.setOptimizer("adamw"), df), "LockstepClassifier param optimizer", "'adamw'",
                "sgd, nesterov, adam, lars, lamb");
    }

    @Test
    void batchSmallerThanWorkers() {
        assertContains(failure(c -> c.setGlobalBatch(1), df), "LockstepClassifier param globalBatch",
                "globalBatch (1) must be at least workers (2)");
    }

    @Test
    void batchLargerThanTheData() {
        assertContains(failure(c -> c.setGlobalBatch(100), df), "param globalBatch", "larger than the training set (60");
    }

    @Test
    void missingColumns() {
        assertContains(failure(c -> c.setFeaturesCol("pixels"), df), "param featuresCol", "'pixels' not found");
        assertContains(failure(c -> c.setLabelCol("class"), df), "param labelCol", "'class' not found");
    }

    @Test
    void wrongColumnTypes() {
        assertContains(failure(c -> c.setLabelCol("species"), df), "param labelCol", "'species'", "type string");
        assertContains(failure(c -> c.setFeaturesCol("species"), df), "param featuresCol", "'species'", "type string");
    }

    @Test
    void labelsOutsideTheClasses() {
        assertContains(failure(c -> c.setNumClasses(2), df), "label column 'label'", "outside [0, 2)");
        Dataset<Row> negative = df.withColumn("label", functions.col("label").minus(1));
        assertContains(failure(c -> c, negative), "label column 'label'", "outside [0, 2)");
        Dataset<Row> fractional = df.withColumn("label", functions.col("label").plus(0.5));
        assertContains(failure(c -> c, fractional), "label column 'label'", "non-integral");
    }

    @Test
    void otherParams() {
        assertContains(failure(c -> c.setModel("transformer"), df), "param model", "unknown model 'transformer'");
        assertContains(failure(c -> c.setModel("{\"confs\": 3}"), df), "param model", "not a DL4J");
        assertContains(failure(c -> c.setLr(-1), df), "param lr", "positive");
        assertContains(failure(c -> c.setValidationFraction(1.5), df), "param validationFraction");
        assertContains(failure(c -> c.setSteps(3), df), "param steps", "either epochs or steps");
        assertContains(failure(c -> c.setDataPlacement("everywhere"), df), "param dataPlacement", "'everywhere'");
        assertContains(failure(c -> c.setSchedule("linear"), df), "param schedule", "'linear'");
        assertContains(failure(c -> c.setWarmup("none").setWarmupSteps(5), df), "param warmupSteps");
        assertContains(failure(c -> c.setLrScaling("cubic"), df), "param lrScaling", "'cubic'");
        assertContains(failure(c -> c.setPredictionCol("label"), df), "param predictionCol", "'label' already exists");
    }

    @Test
    void stepTransportParams() {
        assertContains(failure(c -> c.setStepTransport("rdma"), df), "LockstepClassifier param stepTransport",
                "must be job, channel or auto (got 'rdma')");
        assertContains(failure(c -> c.setStepTransport("job").setStepTimeout(30), df),
                "LockstepClassifier param stepTimeout", "applies to stepTransport channel or auto only (got 30 with"
                + " stepTransport job)");
        assertContains(failure(c -> c.setStepTransport("channel").setStepTimeout(-1), df),
                "LockstepClassifier param stepTimeout", "must be a positive number of seconds", "(got -1)");
    }

    @Test
    void adaptiveBatchParams() {
        assertContains(failure(c -> c.setMaxBatch(16).setOptimizer("nesterov"), df), "param maxBatch",
                "needs lrScaling adascale");
        assertContains(failure(c -> c.setMaxBatch(4).setLrScaling("adascale").setOptimizer("nesterov"), df),
                "param maxBatch", "adaptiveBatch.maxBatch (4) must be at least minBatch (8)");
        assertContains(failure(c -> c.setMaxBatch(16).setAdaptEvery(0).setLrScaling("adascale").setOptimizer("nesterov"),
                df), "param adaptEvery", "at least 1");
        assertContains(failure(c -> c.setMaxBatch(100).setLrScaling("adascale").setOptimizer("nesterov"), df),
                "param maxBatch", "larger than the training set (60");
    }

    @Test
    void divergenceParams() {
        assertContains(failure(c -> c.setOnDivergence("retry"), df), "param onDivergence", "'retry'", "halt, rollback");
        assertContains(failure(c -> c.setDivergenceFactor(1), df), "param divergenceFactor", "> 1");
        assertContains(failure(c -> c.setMaxRollbacks(-1), df), "param maxRollbacks", "negative");
        assertContains(failure(c -> c.setRollbackLrFactor(1.5), df), "param rollbackLrFactor", "(0, 1)");
    }
}
