package io.lockstep.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.IndexedExamples;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.spark.SqlTables;
import io.lockstep.spark.SyncTrainer;
import io.lockstep.spark.TableSpec;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit equals {@code lockstep train} on the same table: the reference is the CLI's table path written out
 * here (SqlTables.read → hold-out → shard(P).placed(placement) → SyncTrainer with the CLI's eval sets), not
 * the Estimator's code.
 */
class EstimatorEqualsTrainerTest {
    private static final int B = 30;
    private static final int P = 2;
    private static final long SEED = 11;
    private static SparkSession spark;
    private static String table;

    @BeforeAll
    static void start(@TempDir Path dir) {
        spark = MlTestData.session("EstimatorEqualsTrainerTest");
        table = dir.resolve("blobs.parquet").toUri().toString();
        MlTestData.blobs(spark, 200, 4, 1).drop("species").coalesce(1).write().parquet(table);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * What {@code lockstep train --dataset parquet:T --feature-cols 'x*' --classes 3 --step-transport job ...} runs
     * (over the job transport, so that the estimator's default, the channel here, is checked against the other one).
     */
    private static float[] cliTrain(double validationFraction, DataPlacement placement) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        IndexedExamples rows = SqlTables.read(spark, TableSpec.columns(TableSpec.Format.PARQUET, table, "label",
                List.of("x*"), 3));
        IndexedExamples train = rows;
        IndexedExamples validation = null;
        if (validationFraction > 0) {
            IndexedExamples.Split split = rows.holdOut(validationFraction, SEED);
            train = split.train();
            validation = split.validation();
        }
        TrainConfig config = TrainConfig.builder().globalBatch(B).workers(P).epochs(2).lr(0.01)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ModelAdapter model = Models.resolve("mlp", train.numFeatures(), train.numClasses(), SEED);
        ShardedDataset t = train.shard(P).placed(sc, placement);
        ShardedDataset v = validation == null ? null : validation.shard(P);
        EvalSets evalSets = EvalSets.none().with(EvalSets.TRAIN, t).with(EvalSets.VALIDATION, v);
        TrainResult r = new SyncTrainer(sc, model, config).withTransport(StepTransportConfig.job())
                .fit(t, evalSets, TrainListener.NONE);
        t.release();
        return r.params();
    }

    private static LockstepClassificationModel fit(double validationFraction, String placement) {
        Dataset<Row> df = new VectorAssembler().setInputCols(MlTestData.FEATURES).setOutputCol("features")
                .transform(spark.read().parquet(table));
        return new LockstepClassifier().setGlobalBatch(B).setWorkers(P).setEpochs(2).setLr(0.01).setOptimizer("adam")
                .setSeed(SEED).setValidationFraction(validationFraction).setDataPlacement(placement).fit(df);
    }

    @Test
    void replicatedWithValidationEqualsTheCliPath() {
        LockstepClassificationModel m = fit(0.2, "replicated");
        assertArrayEquals(cliTrain(0.2, DataPlacement.REPLICATED), m.parameters());
        assertEquals(2, m.history().evaluations().stream().filter(e -> e.set().equals("validation")).count());
    }

    @Test
    void stepTransportChannelRunsTheChannelAndEqualsTheCliPath() throws Exception {
        try (io.lockstep.spark.StepChannelJobs channelJobs = new io.lockstep.spark.StepChannelJobs(spark.sparkContext())) {
            Dataset<Row> df = new VectorAssembler().setInputCols(MlTestData.FEATURES).setOutputCol("features")
                    .transform(spark.read().parquet(table));
            LockstepClassifier c = new LockstepClassifier().setGlobalBatch(B).setWorkers(P).setEpochs(2).setLr(0.01)
                    .setOptimizer("adam").setSeed(SEED).setDataPlacement("sharded").setStepTransport("channel")
                    .setStepTimeout(120);
            assertEquals("channel", c.getStepTransport());
            float[] channel = c.fit(df).parameters();
            assertTrue(channelJobs.take() >= 1, "the fit ran the step channel's job");
            assertArrayEquals(cliTrain(0, DataPlacement.SHARDED), channel);
        }
    }

    @Test
    void shardedEqualsTheCliPath() {
        assertArrayEquals(cliTrain(0, DataPlacement.SHARDED), fit(0, "sharded").parameters());
    }
}
