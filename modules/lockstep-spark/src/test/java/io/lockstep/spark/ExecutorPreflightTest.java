package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.ConfigException;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import java.util.OptionalLong;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * {@link ExecutorPreflight}: a run whose gradient tasks (DL4J's estimate × tasks at once) exceed the
 * executor's memory, or in local mode the driver's heap, is refused in one line naming the setting; a
 * run that fits passes.
 */
class ExecutorPreflightTest {
    private static final ModelAdapter MLP = Models.byName("mlp", 784, 10, 1);
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /** P workers on replicated data, one automatic ghost batch of {@code pass} examples each. */
    private static ExecutorPreflight mlp(int pass, int workers, int microBatch) {
        TrainConfig config = TrainConfig.builder().globalBatch(pass * workers).workers(workers).microBatch(microBatch)
                .steps(1).build();
        return ExecutorPreflight.of(MLP, config, DataPlacement.REPLICATED, workers);
    }

    @Test
    void tasksAboveExecutorMemoryAreRefusedNamingTheSetting() {
        ExecutorPreflight p = mlp(4096, 4, 0);
        assertEquals(4096, p.passBatch());
        long task = p.taskBytes().orElseThrow();
        assertEquals(MLP.trainingMemoryBytes(4096).orElseThrow(), task);
        String memory = (2 * task / MIB) + "m"; // one task fits, four at once do not
        SparkConf conf = new SparkConf(false).set("spark.executor.memory", memory).set("spark.executor.cores", "4");
        ConfigException e = assertThrows(ConfigException.class, () -> p.check(conf, false, 1, 64 * GIB));
        assertTrue(e.getMessage().startsWith("preflight: one gradient task of model 'mlp' needs about "), e.getMessage());
        assertTrue(e.getMessage().contains("for a pass of 4096 examples (DL4J's estimate), × 4 tasks at once"),
                e.getMessage());
        assertTrue(e.getMessage().contains("above spark.executor.memory=" + memory + "; set spark.executor.memory="),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        System.out.println(e.getMessage());
        p.check(new SparkConf(false).set("spark.executor.memory", memory), false, 1, 64 * GIB); // 1 core: fits
        String suggested = suggestion(e, "set spark.executor.memory=");
        p.check(conf.clone().set("spark.executor.memory", suggested), false, 1, 64 * GIB); // what it says works
    }

    @Test
    void sparksDefaultOfOneGigabyteAndTaskCpusAreHonoured() {
        ExecutorPreflight p = mlp(4096, 64, 0);
        long task = p.taskBytes().orElseThrow();
        int cores = (int) (GIB / task) + 1; // just above 1g at once
        SparkConf conf = new SparkConf(false).set("spark.executor.cores", Integer.toString(cores));
        ConfigException e = assertThrows(ConfigException.class, () -> p.check(conf, false, 1, 64 * GIB));
        assertTrue(e.getMessage().contains("above spark.executor.memory=1g (Spark's default)"), e.getMessage());
        p.check(conf.clone().set("spark.task.cpus", "2"), false, 1, 64 * GIB); // half the tasks at once
    }

    @Test
    void aSmallerMicroBatchMakesTheRefusedRunFit() {
        SparkConf conf = new SparkConf(false).set("spark.executor.memory", "64m").set("spark.executor.cores", "4");
        assertThrows(ConfigException.class, () -> mlp(4096, 4, 0).check(conf, false, 1, 64 * GIB));
        ExecutorPreflight micro = mlp(4096, 4, 128);
        assertEquals(128, micro.passBatch());
        micro.check(conf, false, 1, 64 * GIB);
    }

    @Test
    void aNormalRunPasses() {
        mlp(16, 4, 0).check(new SparkConf(false), false, 1, 64 * GIB);
        mlp(16, 4, 0).check(new SparkConf(false).set("spark.executor.cores", "4"), true, 4, 1 * GIB);
    }

    @Test
    void localModeUsesTheGivenHeapAndThreadsNotTheExecutorSettings() {
        ExecutorPreflight p = mlp(4096, 4, 0);
        long task = p.taskBytes().orElseThrow();
        SparkConf conf = new SparkConf(false).set("spark.executor.memory", "1m");
        p.check(conf, true, 4, 4 * task); // the executor setting does not apply in local mode
        ConfigException e = assertThrows(ConfigException.class, () -> p.check(conf, true, 4, 4 * task - 1));
        assertTrue(e.getMessage().contains("× 4 tasks at once") && e.getMessage().contains("in the driver JVM (local mode),"
                + " above its ") && e.getMessage().contains(" give the driver at least "), e.getMessage());
        System.out.println(e.getMessage());
        p.check(conf, true, 2, 4 * task - 1); // two local threads: two tasks at once
        p.check(new SparkConf(false), true, 64, 4 * task); // never more tasks at once than P = 4
    }

    @Test
    void shardedPassesAreAtMostTheMeanShareAndMicroBatchCutsThem() {
        TrainConfig config = TrainConfig.builder().globalBatch(1000).workers(8).steps(1).build();
        assertEquals(125, ExecutorPreflight.passBatch(config, false, DataPlacement.SHARDED, 8));
        assertEquals(125, ExecutorPreflight.passBatch(config, false, DataPlacement.REPLICATED, 8));
        assertEquals(TrainConfig.DEFAULT_GHOST_BATCH, ExecutorPreflight.passBatch(config, true, DataPlacement.SHARDED, 8));
        TrainConfig micro = TrainConfig.builder().globalBatch(1000).workers(8).microBatch(50).steps(1).build();
        assertEquals(50, ExecutorPreflight.passBatch(micro, false, DataPlacement.SHARDED, 8));
    }

    @Test
    void withoutADl4jEstimateTheCheckSaysNothing() {
        new ExecutorPreflight("custom", 4096, 4, OptionalLong.empty())
                .check(new SparkConf(false).set("spark.executor.memory", "1m"), false, 1, 1);
    }

    /** The value the message says to set, e.g. "84m" after "set spark.executor.memory=". */
    private static String suggestion(Exception e, String after) {
        String m = e.getMessage();
        int from = m.indexOf(after) + after.length();
        return m.substring(from, m.indexOf(' ', from));
    }
}
