package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The step channel trains exactly what the job transport trains: the same parameters, bit for bit, and the same
 * per-step statistics, for both data placements, uneven splits, ghost batches and micro-batches, a batch-norm +
 * dropout model, and with evaluations in between (which end and restart the channel's job); against plain DL4J
 * it stays within the distributed-training tolerance. It leaves no job or thread behind, fails a run whose step
 * cannot complete within the timeout in one line, and fails one whose channel job dies.
 */
class StepChannelTest {
    private static final long SEED = 7;

    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter mlp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(3, "step-channel");
        data = Synthetic.blobs(250, 12, 3, 11);
        mlp = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (DataPlacement placement : DataPlacement.values()) {
            cases.add(Arguments.of("mlp", placement, 2, 32, 0, 0));
            cases.add(Arguments.of("mlp", placement, 3, 31, 0, 0));
            cases.add(Arguments.of("mlp", placement, 3, 30, 0, 4));
            cases.add(Arguments.of("bn-dropout", placement, 3, 30, 8, 0));
        }
        cases.add(Arguments.of("bn-dropout", DataPlacement.REPLICATED, 1, 30, 30, 0));
        return cases.build();
    }

    @ParameterizedTest(name = "{0}: {1}, P={2}, B={3}, ghost={4}, micro={5}")
    @MethodSource("cases")
    void channelTrainsBitIdenticallyToTheJobTransport(String modelName, DataPlacement placement, int workers, int batch,
                                                     int ghost, int micro) {
        ModelAdapter model = modelName.equals("mlp") ? mlp : ModelAdapter.of("bn-dropout",
                RealModelsTest.bnDropout(data.numFeatures(), data.numClasses()), data.numFeatures(), data.numClasses());
        TrainConfig config = TrainConfig.builder().globalBatch(batch).ghostBatch(ghost).microBatch(micro).workers(workers)
                .steps(9).evalEvery(4).lr(1e-2).optimizer(OptimizerConfig.adam()).seed(SEED).build();
        Run job = run(model, config, placement, StepTransportConfig.job());
        Run channel = run(model, config, placement, StepTransportConfig.channel());
        assertArrayEquals(job.params, channel.params, "parameters after 9 steps");
        assertEquals(job.stats(), channel.stats(), "per-step loss, lr, gradient norm, noise estimates");
        assertEquals(job.evals, channel.evals, "evaluations between steps (the channel's job ends and restarts)");
        assertEquals(9, channel.steps.size());
        assertTrue(Dl4jReference.relativeError(model.initialParams(), channel.params) > 1e-3, "training moved the parameters");
    }

    @Test
    void channelAgreesWithPlainDl4j() {
        TrainConfig config = TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(31).workers(3)
                .steps(12).lr(0.05).optimizer(OptimizerConfig.sgd()).seed(SEED).build();
        float[] ours = run(mlp, config, DataPlacement.SHARDED, StepTransportConfig.channel()).params;
        float[] reference = Dl4jReference.train(mlp, data, 31, SEED, 12, new Sgd(0.05), 0.0);
        double err = Dl4jReference.relativeError(ours, reference);
        assertTrue(err < 1e-5, "relative error vs DL4J fit " + err);
    }

    @Test
    void twoFitsInARowLeaveNoJobOrThreadBehind() throws InterruptedException {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(4).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        float[] first = run(mlp, config, DataPlacement.SHARDED, StepTransportConfig.channel()).params;
        assertNothingLeft();
        float[] second = run(mlp, config, DataPlacement.SHARDED, StepTransportConfig.channel()).params;
        assertNothingLeft();
        assertArrayEquals(first, second, "reruns are bit-identical");
    }

    @Test
    void aStepThatCannotCompleteFailsTheRunInOneLine() throws Exception {
        TrainConfig config = TrainConfig.builder().globalBatch(30).workers(3).steps(3).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 3);
        Blocker.HOLD.set(true);
        JavaFutureAction<Void> blocker = sc.parallelize(List.of(1), 1).foreachAsync(new Blocker());
        try {
            while (sc.statusTracker().getActiveJobIds().length == 0) {
                Thread.sleep(20); // the blocker's task takes one of the 3 slots
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SyncTrainer(sc, mlp, config)
                    .withTransport(StepTransportConfig.channel(Duration.ofSeconds(3))).fit(shards, TrainListener.NONE));
            assertTrue(e.getMessage().startsWith("step 0 did not complete within 3.0 s on the step channel: no result"
                    + " from partitions ["), e.getMessage());
            assertTrue(e.getMessage().contains("(tasks connected: 2 of 3;"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        } finally {
            Blocker.HOLD.set(false);
            blocker.get();
            shards.release();
        }
        assertNothingLeft();
    }

    @Test
    void aChannelJobThatFailsFailsTheRunInOneLine() throws InterruptedException {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(4).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try {
            // local[3] allows one attempt per task: the injected failure ends the job
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SyncTrainer(sc, mlp, config)
                    .withTransport(StepTransportConfig.channel())
                    .withFaultInjection(new FaultInjection(Set.of(2L), Set.of(1))).fit(shards, TrainListener.NONE));
            assertTrue(e.getMessage().startsWith("the step channel's Spark job failed during step 2: "), e.getMessage());
            assertTrue(e.getMessage().contains("injected failure of step 2, partition 1, attempt 0"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        } finally {
            shards.release();
        }
        assertNothingLeft();
    }

    @Test
    void anInterruptedFitEndsItsChannel() throws InterruptedException {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(6).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SyncTrainer(sc, mlp, config)
                    .withTransport(StepTransportConfig.channel()).fit(shards, new TrainListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            if (m.step() == 2) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }));
            assertTrue(e.getMessage().startsWith("interrupted while waiting for step 3 on the step channel"), e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
            shards.release();
        }
        assertNothingLeft();
    }

    /**
     * One channel job serves every step between evaluations: without evaluations a 3-epoch run starts one, with an
     * evaluation after each epoch it starts one per epoch (each evaluation ends the job to free its task slots).
     */
    @Test
    void theChannelJobRunsFromEvaluationToEvaluation() throws Exception {
        TrainConfig config = TrainConfig.builder().globalBatch(100).workers(2).epochs(3).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try (StepChannelJobs channelJobs = new StepChannelJobs(sc.sc())) {
            SyncTrainer trainer = new SyncTrainer(sc, mlp, config).withTransport(StepTransportConfig.channel());
            assertEquals(6, trainer.fit(shards, TrainListener.NONE).steps());
            assertEquals(1, channelJobs.take(), "no evaluations: one channel job for all 6 steps");
            trainer.fit(shards, EvalSets.none().with(EvalSets.TRAIN, shards), TrainListener.NONE);
            assertEquals(3, channelJobs.take(), "an evaluation after each of the 3 epochs: one channel job per epoch");
        } finally {
            shards.release();
        }
        assertNothingLeft();
    }

    @Test
    void moreWorkersThanLocalTaskSlotsAreRefused() {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(4).steps(1).seed(SEED).build();
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 4);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SyncTrainer(sc, mlp, config)
                    .withTransport(StepTransportConfig.channel()).fit(shards, TrainListener.NONE));
            assertTrue(e.getMessage().contains("4 partitions need 4 task slots, master local[3] has 3"), e.getMessage());
        } finally {
            shards.release();
        }
    }

    /** Holds a task slot while {@link #HOLD} is set. */
    static final class Blocker implements org.apache.spark.api.java.function.VoidFunction<Integer> {
        static final AtomicBoolean HOLD = new AtomicBoolean();

        @Override
        public void call(Integer x) throws InterruptedException {
            while (HOLD.get()) {
                Thread.sleep(20);
            }
        }
    }

    /** No Spark job is active and every thread of the channel's event loops has ended (waits up to 30 s for both). */
    private static void assertNothingLeft() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && (activeJobs() > 0 || !channelThreads().isEmpty())) {
            Thread.sleep(50);
        }
        assertEquals(0, activeJobs(), "active Spark jobs");
        assertEquals(List.of(), channelThreads(), "threads of the step channel");
    }

    private static int activeJobs() {
        return sc.statusTracker().getActiveJobIds().length;
    }

    /**
     * Waits (up to 30 s) until no thread of a step channel is alive: a network link's Netty event loops end a few
     * seconds after its channel closed, so a test that checks for them must not see an earlier test's.
     */
    static void awaitNoChannelThreads() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && !channelThreads().isEmpty()) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), channelThreads(), "threads of an earlier step channel");
    }

    private static List<String> channelThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && Stream.of("-server", "-client", "-boss").anyMatch(k -> n.startsWith(ChannelSecurity.MODULE + k))) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private record Run(float[] params, List<StepMetrics> steps, List<EvalMetrics> evals) {
        List<StepMetrics.Stats> stats() {
            return steps.stream().map(StepMetrics::stats).toList();
        }
    }

    private static Run run(ModelAdapter model, TrainConfig config, DataPlacement placement, StepTransportConfig transport) {
        ShardedDataset shards = placement == DataPlacement.REPLICATED ? ShardedDataset.replicate(sc, data, config.workers())
                : ShardedDataset.distribute(sc, data, config.workers());
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalMetrics> evals = new ArrayList<>();
        try {
            TrainResult r = new SyncTrainer(sc, model, config).withTransport(transport)
                    .fit(shards, EvalSets.none().with(EvalSets.TRAIN, shards), new TrainListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            steps.add(m);
                        }

                        @Override
                        public void onEval(EvalMetrics e) {
                            evals.add(e);
                        }
                    });
            return new Run(r.params(), steps, evals);
        } finally {
            shards.release();
        }
    }
}
