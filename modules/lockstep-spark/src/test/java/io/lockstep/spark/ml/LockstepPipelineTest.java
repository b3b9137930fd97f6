package io.lockstep.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML route end to end: VectorAssembler → StringIndexer → LockstepClassifier → evaluator, tuning, save/load. */
class LockstepPipelineTest {
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;

    @BeforeAll
    static void start() {
        spark = MlTestData.session("LockstepPipelineTest");
        train = MlTestData.blobs(spark, 480, 1, 2).drop("label");
        test = MlTestData.blobs(spark, 300, 2, 2).drop("label");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static LockstepClassifier classifier(double lr) {
        return new LockstepClassifier().setLabelCol("label").setFeaturesCol("features").setGlobalBatch(32)
                .setWorkers(2).setEpochs(4).setLr(lr).setSeed(3).setEvalTrain(false);
    }

    private static Pipeline pipeline(LockstepClassifier c) {
        return new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(MlTestData.FEATURES).setOutputCol("features"),
            new StringIndexer().setInputCol("species").setOutputCol("label"), c});
    }

    private static MulticlassClassificationEvaluator accuracy() {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy");
    }

    @Test
    void pipelineLearnsFarAboveChance() {
        PipelineModel model = pipeline(classifier(0.01)).fit(train);
        double acc = accuracy().evaluate(model.transform(test));
        assertTrue(acc >= 0.9, "test accuracy " + acc + " (chance: 1/3)");
        LockstepClassificationModel m = (LockstepClassificationModel) model.stages()[2];
        assertEquals(3, m.numClasses());
        assertEquals("COMPLETED", m.history().outcome());
        assertEquals(4 * (480 / 32), m.history().steps());
        assertEquals(4, m.history().epochLoss().size());
        assertTrue(m.history().epochLoss().get(3) < m.history().epochLoss().get(0), m.history().epochLoss().toString());
        // log loss reads the probability column
        double logLoss = new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(model.transform(test));
        assertTrue(logLoss < 0.5, "log loss " + logLoss);
    }

    @Test
    void crossValidatorPicksTheLearningRateThatLearns() {
        // Folds are half the data: more, smaller steps. A larger Adam rate spikes the loss at step 1 on some folds,
        // and the default divergence guard (as in lockstep train) then halts that fit.
        LockstepClassifier c = classifier(0.5).setGlobalBatch(16);
        ParamMap[] grid = new ParamGridBuilder().addGrid(c.lr(), new double[] {1e-7, 0.003}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline(c)).setEstimatorParamMaps(grid)
                .setEvaluator(accuracy()).setNumFolds(2).setSeed(5).fit(train);
        double[] metrics = cv.avgMetrics();
        assertTrue(metrics[1] >= 0.85 && metrics[0] < 0.6, java.util.Arrays.toString(metrics));
        LockstepClassificationModel best = (LockstepClassificationModel) ((PipelineModel) cv.bestModel()).stages()[2];
        assertEquals(0.003, ((LockstepClassifier) best.parent()).getLr());
    }

    @Test
    void savedPipelineModelPredictsIdentically(@TempDir Path dir) throws Exception {
        PipelineModel model = pipeline(classifier(0.01).setValidationFraction(0.2)).fit(train);
        String path = dir.resolve("pipeline-model").toUri().toString();
        model.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> before = model.transform(test).select("prediction", "probability", "rawPrediction").collectAsList();
        List<Row> after = loaded.transform(test).select("prediction", "probability", "rawPrediction").collectAsList();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(0), after.get(i).getDouble(0));
            assertArrayEquals(((Vector) before.get(i).get(1)).toArray(), ((Vector) after.get(i).get(1)).toArray());
            assertArrayEquals(((Vector) before.get(i).get(2)).toArray(), ((Vector) after.get(i).get(2)).toArray());
        }
        LockstepClassificationModel m = (LockstepClassificationModel) model.stages()[2];
        LockstepClassificationModel l = (LockstepClassificationModel) loaded.stages()[2];
        assertArrayEquals(m.parameters(), l.parameters());
        assertEquals(m.history(), l.history());
        assertEquals(m.uid(), l.uid());
        assertTrue(m.history().evaluations().stream().anyMatch(e -> e.set().equals("validation")));
    }

    @Test
    void unfittedPipelineSavesAndLoads(@TempDir Path dir) throws Exception {
        LockstepClassifier c = classifier(0.02).setOptimizer("nesterov").setModel("mlp-bn").setGhostBatch(16);
        String path = dir.resolve("pipeline").toUri().toString();
        pipeline(c).write().overwrite().save(path);
        LockstepClassifier back = (LockstepClassifier) Pipeline.load(path).getStages()[2];
        assertEquals(c.uid(), back.uid());
        assertEquals(0.02, back.getLr());
        assertEquals("nesterov", back.getOptimizer());
        assertEquals("mlp-bn", back.getModel());
        assertEquals(16, back.getGhostBatch());
        assertEquals(32, back.getGlobalBatch());
        assertEquals(c.extractParamMap().toString(), back.extractParamMap().toString());
    }
}
