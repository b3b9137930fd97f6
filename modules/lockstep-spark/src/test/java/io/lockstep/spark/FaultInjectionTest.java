package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark's task retry keeps a step exact: with master {@code local[2,4]} (up to 4 attempts per task)
 * the first attempt of partitions 0 and 1 fails at steps 1 and 3, Spark reruns them, and since a
 * gradient task is a pure function of (parameters, shard, rows) the run ends bit-identical to a
 * fault-free one. A listener on Spark's bus checks that the failures really happened.
 */
class FaultInjectionTest {
    private static final long SEED = 7;

    private static JavaSparkContext sc;
    private static ModelAdapter model;
    private static ShardedDataset shards;
    private static final List<String> failedTasks = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        SparkConf conf = new SparkConf()
                .setMaster("local[2,4]")
                .setAppName("fault-injection")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR"); // the injected failures would log stack traces at WARN
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo().failed()) {
                    String why = end.reason() instanceof TaskFailedReason r ? r.toErrorString() : end.reason().toString();
                    failedTasks.add("stage " + end.stageId() + " partition " + end.taskInfo().partitionId() + " attempt "
                            + end.taskInfo().attemptNumber() + ": " + why.lines().findFirst().orElse(""));
                }
            }
        });
        Dataset data = Synthetic.blobs(250, 12, 3, 11);
        model = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
        shards = ShardedDataset.distribute(sc, data, 2);
    }

    @AfterAll
    static void stop() {
        shards.release();
        sc.stop();
    }

    @org.junit.jupiter.api.BeforeEach
    void clearFailures() throws TimeoutException {
        awaitListenerBus();
        failedTasks.clear();
    }

    /**
     * With batch norm and dropout on replicated data a task's result also depends on its random stream:
     * every pass seeds its own ({@link io.lockstep.model.PassSeed}), so reruns and retried tasks (which run
     * on other threads, after other tasks) are still bit-identical.
     */
    @Test
    void retriedTasksOfABatchNormDropoutModelLeaveTheRunBitIdentical() throws TimeoutException {
        Dataset data = Synthetic.blobs(250, 12, 3, 11);
        ModelAdapter bn = ModelAdapter.of("bn-dropout", RealModelsTest.bnDropout(12, 3), 12, 3);
        TrainConfig config = TrainConfig.builder().globalBatch(30).ghostBatch(8).workers(2).steps(6).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset replicated = ShardedDataset.replicate(sc, data, 2);
        try {
            float[] clean = new SyncTrainer(sc, bn, config).fit(replicated, TrainListener.NONE).params();
            float[] again = new SyncTrainer(sc, bn, config).fit(replicated, TrainListener.NONE).params();
            awaitListenerBus();
            assertEquals(List.of(), failedTasks, "the fault-free runs have no failed task");
            float[] faulty = new SyncTrainer(sc, bn, config).withTransport(StepTransportConfig.job())
                    .withFaultInjection(new FaultInjection(Set.of(2L, 4L), Set.of(0, 1)))
                    .fit(replicated, TrainListener.NONE).params();
            awaitListenerBus();
            assertEquals(4, failedTasks.size(), "2 steps x 2 partitions fail once each: " + failedTasks);
            assertArrayEquals(clean, again, "reruns are bit-identical");
            assertArrayEquals(clean, faulty, "retried tasks must not change the result");
        } finally {
            replicated.release();
        }
    }

    @Test
    void retriedTasksLeaveTheRunBitIdentical() throws TimeoutException {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(5).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        List<StepMetrics> cleanSteps = new ArrayList<>();
        TrainResult clean = new SyncTrainer(sc, model, config).fit(shards, recorder(cleanSteps)); // default: channel
        awaitListenerBus();
        assertEquals(List.of(), failedTasks, "the fault-free run has no failed task");

        List<StepMetrics> faultySteps = new ArrayList<>();
        TrainResult faulty = new SyncTrainer(sc, model, config).withTransport(StepTransportConfig.job())
                .withFaultInjection(new FaultInjection(Set.of(1L, 3L), Set.of(0, 1)))
                .fit(shards, recorder(faultySteps));
        awaitListenerBus();

        System.out.printf("failed tasks: %s%n", failedTasks);
        assertEquals(4, failedTasks.size(), "2 steps x 2 partitions fail once each: " + failedTasks);
        for (String f : failedTasks) {
            assertTrue(f.contains("injected failure") && f.contains("attempt 0"), f);
        }
        assertEquals(TrainResult.Outcome.COMPLETED, faulty.outcome());
        assertEquals(5, faulty.steps());
        assertArrayEquals(clean.params(), faulty.params(), "retried tasks must not change the result");
        for (int i = 0; i < cleanSteps.size(); i++) {
            assertEquals(cleanSteps.get(i).stats(), faultySteps.get(i).stats(), "metrics of step " + i);
        }
    }

    /**
     * The step channel keeps Spark's per-task retry: an injected failure ends the channel task's attempt (and its
     * connection), Spark runs a new attempt, it registers, the driver re-sends it the current step, and the run
     * ends bit-identical to a fault-free run of the job transport (attempt 0 fails at step 1, attempt 1 at step 3).
     */
    @Test
    void retriedChannelTasksLeaveTheRunBitIdentical() throws TimeoutException {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(5).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        List<StepMetrics> cleanSteps = new ArrayList<>();
        TrainResult clean = new SyncTrainer(sc, model, config).withTransport(StepTransportConfig.job())
                .fit(shards, recorder(cleanSteps));
        awaitListenerBus();
        failedTasks.clear();

        List<StepMetrics> faultySteps = new ArrayList<>();
        TrainResult faulty = new SyncTrainer(sc, model, config).withTransport(StepTransportConfig.channel())
                .withFaultInjection(new FaultInjection(Set.of(1L, 3L), Set.of(0, 1)))
                .fit(shards, recorder(faultySteps));
        awaitListenerBus();

        System.out.printf("failed channel tasks: %s%n", failedTasks);
        assertEquals(4, failedTasks.size(), "2 steps x 2 partitions fail once each: " + failedTasks);
        for (String f : failedTasks) {
            assertTrue(f.contains("injected failure of step"), f);
        }
        assertEquals(TrainResult.Outcome.COMPLETED, faulty.outcome());
        assertEquals(5, faulty.steps());
        assertArrayEquals(clean.params(), faulty.params(), "retried channel tasks must not change the result");
        for (int i = 0; i < cleanSteps.size(); i++) {
            assertEquals(cleanSteps.get(i).stats(), faultySteps.get(i).stats(), "metrics of step " + i);
        }
    }

    @Test
    void retriedChannelTasksOfABatchNormDropoutModelLeaveTheRunBitIdentical() throws TimeoutException {
        Dataset data = Synthetic.blobs(250, 12, 3, 11);
        ModelAdapter bn = ModelAdapter.of("bn-dropout", RealModelsTest.bnDropout(12, 3), 12, 3);
        TrainConfig config = TrainConfig.builder().globalBatch(30).ghostBatch(8).workers(2).steps(6).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset replicated = ShardedDataset.replicate(sc, data, 2);
        try {
            float[] clean = new SyncTrainer(sc, bn, config).withTransport(StepTransportConfig.job())
                    .fit(replicated, TrainListener.NONE).params();
            awaitListenerBus();
            failedTasks.clear();
            float[] faulty = new SyncTrainer(sc, bn, config).withTransport(StepTransportConfig.channel())
                    .withFaultInjection(new FaultInjection(Set.of(2L, 4L), Set.of(0, 1)))
                    .fit(replicated, TrainListener.NONE).params();
            awaitListenerBus();
            assertEquals(4, failedTasks.size(), "2 steps x 2 partitions fail once each: " + failedTasks);
            assertArrayEquals(clean, faulty, "retried channel tasks must not change the result");
        } finally {
            replicated.release();
        }
    }

    private static TrainListener recorder(List<StepMetrics> steps) {
        return new TrainListener() {
            @Override
            public void onStep(StepMetrics m) {
                steps.add(m);
            }
        };
    }

    /** Listener events are delivered asynchronously: wait until the bus has delivered everything posted. */
    private static void awaitListenerBus() throws TimeoutException {
        sc.sc().listenerBus().waitUntilEmpty();
    }
}
