package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.ConfigException;
import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.TrainPlan;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * {@link DriverPreflight}: a run whose per-step results exceed {@code spark.driver.maxResultSize}, or
 * whose driver arrays exceed the heap, is refused before any step in one line naming the setting; a run
 * that fits passes.
 */
class DriverPreflightTest {
    private static final long THETA = 269_322;
    private static final long GIB = 1L << 30;

    @Test
    void resultsAboveMaxResultSizeAreRefusedNamingTheSetting() {
        DriverPreflight p = DriverPreflight.of(THETA, 64, adam());
        assertEquals(64 * (4 * THETA + DriverPreflight.TASK_OVERHEAD), p.resultBytesPerStep());
        ConfigException e = assertThrows(ConfigException.class,
                () -> p.check(new SparkConf(false).set("spark.driver.maxResultSize", "64m"), 8 * GIB));
        assertTrue(e.getMessage().startsWith("preflight: each step returns 4 × 269,322 parameters × 64 workers ="
                + " 66.8 MiB to the driver, above spark.driver.maxResultSize=64m; set spark.driver.maxResultSize="),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        String suggested = suggestion(e, "set spark.driver.maxResultSize=");
        p.check(new SparkConf(false).set("spark.driver.maxResultSize", suggested), 8 * GIB); // what it says to set works
    }

    @Test
    void sparksDefaultOfOneGigabyteAndZeroForUnlimitedAreHonoured() {
        DriverPreflight big = DriverPreflight.of(5_000_000, 64, adam()); // 1.2 GiB per step
        ConfigException e = assertThrows(ConfigException.class, () -> big.check(new SparkConf(false), 64 * GIB));
        assertTrue(e.getMessage().contains("above spark.driver.maxResultSize=1g (Spark's default)"), e.getMessage());
        big.check(new SparkConf(false).set("spark.driver.maxResultSize", "0"), 64 * GIB);
        big.check(new SparkConf(false).set("spark.driver.maxResultSize", "2g"), 64 * GIB);
    }

    @Test
    void aFittingRunPasses() {
        DriverPreflight p = DriverPreflight.of(THETA, 64, adam());
        p.check(new SparkConf(false).set("spark.driver.maxResultSize", "80m"), 8 * GIB);
        p.check(new SparkConf(false), 8 * GIB);
    }

    @Test
    void driverArraysAboveTheHeapAreRefused() {
        DriverPreflight sgd = DriverPreflight.of(THETA, 4, TrainConfig.builder().globalBatch(64).steps(1)
                .optimizer(OptimizerConfig.sgd()).build());
        DriverPreflight rollback = DriverPreflight.of(THETA, 4, TrainConfig.builder().globalBatch(64).steps(1)
                .optimizer(OptimizerConfig.adam()).divergence(new DivergenceConfig(DivergenceConfig.Policy.ROLLBACK, 3, 2,
                        0.5)).build());
        assertEquals((1 + 2 + 2 + 1 + 1 + 1 + 2 + 4) * 4 * THETA, sgd.residentBytes());
        assertEquals(sgd.residentBytes() + 4 * 4 * THETA, rollback.residentBytes(), "Adam's 2 moments, and their copy");
        long heap = (long) (rollback.residentBytes() / DriverPreflight.HEAP_SHARE) - 1;
        sgd.check(new SparkConf(false), heap);
        ConfigException e = assertThrows(ConfigException.class, () -> rollback.check(new SparkConf(false), heap));
        assertTrue(e.getMessage().startsWith("preflight: the driver keeps about 18.5 MiB of parameters, optimizer state,"
                + " rollback copies and 4 partial gradient sums per step, more than 90% of its 20.5 MiB heap; give the"
                + " driver at least "), e.getMessage());
        long suggested = Long.parseLong(suggestion(e, "give the driver at least ").replace("m", "")) << 20;
        rollback.check(new SparkConf(false), suggested);
    }

    /** Through the trainer: refused before its first step (and before it announces the run). */
    @Test
    void theTrainerRefusesBeforeAnyStep() {
        Dataset data = Synthetic.blobs(64, 784, 10, 1);
        ModelAdapter model = Models.byName("mlp", 784, 10, 1); // 269,322 parameters: 2.1 MiB per step from 2 tasks
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("preflight")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.maxResultSize", "1m"));
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try {
            List<Object> events = new ArrayList<>();
            TrainListener listener = new TrainListener() {
                @Override
                public void onStart(TrainPlan plan) {
                    events.add(plan);
                }

                @Override
                public void onStep(StepMetrics m) {
                    events.add(m);
                }
            };
            TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(2).build();
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new SyncTrainer(sc, model, config).fit(shards, listener));
            assertTrue(e.getMessage().contains("above spark.driver.maxResultSize=1m; set spark.driver.maxResultSize="),
                    e.getMessage());
            assertEquals(List.of(), events, "no step ran");
        } finally {
            shards.release();
            sc.stop();
        }
    }

    /** The value the message says to set, e.g. "84m" after "set spark.driver.maxResultSize=". */
    private static String suggestion(Exception e, String after) {
        String m = e.getMessage();
        int from = m.indexOf(after) + after.length();
        return m.substring(from, m.indexOf(' ', from));
    }

    private static TrainConfig adam() {
        return TrainConfig.builder().globalBatch(64).steps(1).optimizer(OptimizerConfig.adam()).build();
    }
}
