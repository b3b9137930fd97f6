package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.config.StepTransportConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The three contenders on a small learnable data set in local[2]: same work, the expected example counts. */
class SparkBenchesTest {
    private static final int N = 512;
    private static final int FEATURES = 12;
    private static final int CLASSES = 3;
    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("bench-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[N * FEATURES];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = (float) r.nextDouble();
            }
            y[i] = x[i * FEATURES] > x[i * FEATURES + 1] ? 0 : x[i * FEATURES + 2] > 0.5f ? 1 : 2;
        }
        data = new Dataset("synthetic", x, y, FEATURES, CLASSES);
        model = Models.byName("mlp", FEATURES, CLASSES, 42);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    @Test
    void lockstepAndDl4jDoTheSameWork() {
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try {
            Measurement b = new Dl4jBench(model, data, 1e-2, 42).run(32, 1, 4);
            for (StepTransportConfig t : List.of(StepTransportConfig.job(), StepTransportConfig.channel())) {
                Measurement a = new LockstepBench(sc, model, shards, 1e-2, 42, t).run(32, 1, 4);
                assertEquals(4, a.millis().length);
                assertEquals(32, a.examplesPerIteration());
                assertEquals(b.finalLoss(), a.finalLoss(), 1e-4, "same model, same batches, same Adam: same loss ("
                        + t.label() + ")");
            }
        } finally {
            shards.release();
        }
    }

    @Test
    void theConcurrentPairFitsEachHalfLikeOneDl4jNetwork() {
        try (Dl4jPairBench pair = new Dl4jPairBench(model, data, 1e-2, 42)) {
            Measurement m = pair.run(32, 1, 4);
            assertEquals(4, m.millis().length);
            assertEquals(32, m.examplesPerIteration());
            org.deeplearning4j.nn.multilayer.MultiLayerNetwork first = Dl4jModels.network(model, 1e-2);
            org.deeplearning4j.nn.multilayer.MultiLayerNetwork second = Dl4jModels.network(model, 1e-2);
            io.lockstep.data.BatchPlan plan = new io.lockstep.data.BatchPlan(N, 32, 42);
            for (int step = 0; step < 5; step++) {
                int[] rows = plan.batch(step);
                first.fit(Dl4jModels.rows(data, java.util.Arrays.copyOfRange(rows, 0, 16)));
                second.fit(Dl4jModels.rows(data, java.util.Arrays.copyOfRange(rows, 16, 32)));
            }
            assertEquals((first.score() + second.score()) / 2, m.finalLoss(), 1e-6,
                    "two concurrent fits end where the same fits done one after the other end");
        }
    }

    @Test
    void parameterAveragingCoversWholeRoundsOfGlobalBatches() {
        try (ParameterAveragingBench pa = new ParameterAveragingBench(sc, model, data, 1e-2, 42, 2)) {
            Measurement f1 = pa.run(32, 1, 1, 2, 3);
            assertEquals(2, f1.millis().length);
            assertEquals(3 * 32, f1.examplesPerIteration());
            assertTrue(Double.isFinite(f1.finalLoss()) && f1.finalLoss() > 0, "loss " + f1.finalLoss());
            Measurement f2 = pa.run(64, 2, 0, 1, 3);
            assertEquals(2 * 64, f2.examplesPerIteration(), "3 batches rounded down to one round of f=2");
        }
    }

    @Test
    void sparkFloorTimesBothKindsOfJob() {
        SparkFloor f = SparkFloor.measure(sc, 2, 1000, 4);
        assertEquals(4, f.jobs());
        assertTrue(f.emptyJobMs() > 0 && f.resultJobMs() > 0 && f.stepJobMs() > 0, f.toString());
        assertTrue(f.describe(2, 1000).contains("2 tasks returning 1,000 floats"));
    }

    @Test
    void channelFloorRunsItsRoundsOnTheInProcessPath() {
        ChannelFloorMedians f = ChannelFloorMedians.measure(sc, 2, 1000, 4);
        assertEquals(4, f.rounds());
        assertEquals("in-process", f.path());
        assertTrue(f.describe(2, 1000).startsWith("in-process path, 2 tasks answering 1,000 floats each"),
                f.describe(2, 1000));
        assertEquals(3, sc.parallelize(List.of(1, 2, 3), 2).count(), "the channel's tasks are gone");
    }

    @Test
    void barrierRoundsAreTimedInsideEveryTask() {
        BarrierRound b = BarrierRound.measure(sc, 2, 2);
        assertEquals(2, b.rounds());
        assertTrue(b.medianMs() > 0 && b.medianMs() < 60_000, b.toString());
        assertTrue(b.describe(2).contains("barrier round of 2 tasks"));
    }

    @Test
    void batchesPerFitIsAMultipleOfTheAveragingFrequency() {
        assertEquals(10, ParameterAveragingBench.batchesPerFit(60_000, 256, 1, 10));
        assertEquals(10, ParameterAveragingBench.batchesPerFit(60_000, 4096, 5, 10));
        assertEquals(3, ParameterAveragingBench.batchesPerFit(60_000, 16_384, 1, 10));
        assertEquals(5, ParameterAveragingBench.batchesPerFit(60_000, 16_384, 5, 10));
        assertEquals(10, ParameterAveragingBench.batchesPerFit(60_000, 1024, 5, 12));
    }
}
