package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.adaptive.AdaptiveBatchConfig;
import io.lockstep.adaptive.AdaptiveBatchPlan;
import io.lockstep.adaptive.Goodput;
import io.lockstep.adaptive.StepTimePredictor;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.BatchChoice;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.perf.StepTimeModel;
import io.lockstep.schedule.LrScaling;
import io.lockstep.train.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code globalBatch adaptive} in the trainer, with a fixed step-time model so that the choices depend only
 * on the gradients: every choice is the goodput optimum of AdaScale's estimates at that step (recomputed here
 * from the logged σ², μ² with the paper's closed form), each step trains on the chosen number of examples, the
 * same run on P = 1, 2, 4 chooses the same sizes and ends with the same parameters, and a resume through the
 * real checkpoint files continues bit-identically with the recorded sizes.
 */
class AdaptiveBatchTrainingTest {
    private static final int LENGTH = 120; // base iterations of B_ref = 12
    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "adaptive-batch");
        data = Synthetic.blobs(400, 12, 3, 11);
        model = Models.byName("mlp", data.numFeatures(), data.numClasses(), 3);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    private static TrainConfig config(int workers) {
        return TrainConfig.builder().globalBatch(12).adaptiveBatch(new AdaptiveBatchConfig(12, 192, 4)).ghostBatch(6)
                .workers(workers).steps(LENGTH).lr(0.05).lrScaling(LrScaling.ADASCALE).referenceBatch(12)
                .optimizer(OptimizerConfig.nesterov()).seed(9).build();
    }

    /**
     * T(B) = 6 ms + 0.05 ms per example, a fixed cost that larger batches amortize; the same for every P
     * (the model's prediction for one worker), so that only the gradients can make runs choose differently.
     */
    private static StepTimePredictor times() {
        return StepTimePredictor.fixed(new StepTimeModel(0.05, 6, 0, 0, model.numParams(), false, List.of()), 1);
    }

    private record Run(TrainResult result, List<StepMetrics> steps, List<BatchChoice> choices) {}

    private static Run train(int workers, Checkpointing checkpointing, long stopAfter) {
        ShardedDataset shards = ShardedDataset.replicate(sc, data, workers);
        StopRequest stop = new StopRequest();
        try {
            List<StepMetrics> steps = new ArrayList<>();
            List<BatchChoice> choices = new ArrayList<>();
            TrainListener record = new TrainListener() {
                @Override
                public void onStep(StepMetrics m) {
                    steps.add(m);
                    if (m.step() == stopAfter) {
                        stop.request();
                    }
                }

                @Override
                public void onBatchChoice(BatchChoice c) {
                    choices.add(c);
                }
            };
            TrainResult r = new SyncTrainer(sc, model, config(workers)).withStepTimes(times())
                    .withStopRequest(stop).fit(shards, EvalSets.none(), record, checkpointing);
            return new Run(r, steps, choices);
        } finally {
            shards.release();
        }
    }

    @Test
    void choicesMaximizeGoodputAndTheRunIsTheSameOnAnyWorkerCount() {
        Run one = train(1, Checkpointing.none(), -1);
        List<StepMetrics> s = one.steps();
        TreeSet<Integer> sizes = new TreeSet<>();
        long examples = 0;
        for (StepMetrics m : s) {
            sizes.add(m.globalBatch());
            examples += m.globalBatch();
            assertEquals(examples, m.examples(), "step " + m.step() + " trained on its chosen batch");
        }
        assertTrue(sizes.size() >= 2, "the batch changed during the run: " + sizes);
        assertEquals(s.size() / 4, one.choices().size(), "a choice after every 4th step");
        for (BatchChoice c : one.choices()) {
            StepMetrics at = s.get((int) c.step());
            double variance = at.stats().adaScale().variance();
            double sqNorm = at.stats().adaScale().sqNorm();
            double phi = 12 * variance / sqNorm;
            double bestGoodput = 0;
            int best = 0;
            for (int b : List.of(12, 24, 48, 96, 192)) {
                double t = 6 + 0.05 * b;
                double g = b / (t / 1000) * (phi + 12) / (phi + b); // Pollux: E = (phi + M0)/(phi + M)
                if (g > bestGoodput) {
                    bestGoodput = g;
                    best = b;
                }
            }
            assertEquals(best, c.batch(), "choice after step " + c.step());
            assertEquals(bestGoodput, c.goodput(), 1e-9 * bestGoodput);
            if (c.step() + 1 < s.size()) {
                assertEquals(c.batch(), s.get((int) c.step() + 1).globalBatch(), "the next step uses the choice");
            }
        }
        System.out.printf("[adaptive] P=1: %d steps, sizes %s, %d examples%n", s.size(), sizes, examples);

        for (int p : new int[] {2, 4}) {
            Run other = train(p, Checkpointing.none(), -1);
            assertEquals(s.stream().map(StepMetrics::globalBatch).toList(),
                    other.steps().stream().map(StepMetrics::globalBatch).toList(), "same sizes for P=" + p);
            double rel = Dl4jReference.relativeError(one.result().params(), other.result().params());
            System.out.printf("[adaptive] P=%d vs 1: params relative L2 %.3g%n", p, rel);
            assertTrue(rel < 1e-5, "P=" + p + " vs P=1 relative difference " + rel);
        }
    }

    @Test
    void resumeFromCheckpointFilesContinuesBitIdentically() throws java.io.IOException {
        Run full = train(2, Checkpointing.none(), -1);
        String uri = tmp.resolve("ckpt").toUri().toString();
        Checkpointing save = new Checkpointing(new HadoopCheckpointStore(uri, sc.hadoopConfiguration(), 2), 0, null,
                Map.of());
        long stopAt = full.steps().size() / 2;
        train(2, save, stopAt);
        TrainingCheckpoint c = save.store().latest().orElseThrow();
        assertEquals(stopAt + 1, c.nextStep());
        List<AdaptiveBatchPlan.Segment> history = c.batchHistory();
        assertEquals(stopAt + 2, history.get(history.size() - 1).toStep() + 1, "sizes through the next step");
        Run resumed = train(2, new Checkpointing(save.store(), 0, c, Map.of()), -1);
        assertEquals(full.result().steps(), resumed.result().steps());
        assertArrayEquals(full.result().params(), resumed.result().params(), "bit-identical to the uninterrupted run");
        for (int i = 0; i < resumed.steps().size(); i++) {
            assertEquals(full.steps().get((int) stopAt + 1 + i).globalBatch(), resumed.steps().get(i).globalBatch());
        }
    }

    @Test
    void aRollbackRedefinesTheBatchesFromTheRestoredStep() {
        // 12 base iterations at 0.05, then a jump to 1000 (x the gain): NaN; the guard rolls back until lr x 0.1^k works
        TrainConfig config = config(2).toBuilder().lr(1000).optimizer(OptimizerConfig.sgd())
                .schedule(io.lockstep.schedule.ScheduleConfig.constant()
                        .withWarmup(io.lockstep.schedule.ScheduleConfig.Warmup.CONSTANT, 12).withWarmupStartLr(0.05))
                .divergence(new io.lockstep.config.DivergenceConfig(io.lockstep.config.DivergenceConfig.Policy.ROLLBACK,
                        2, 10, 0.1)).build();
        ShardedDataset shards = ShardedDataset.replicate(sc, data, 2);
        try {
            java.util.Map<Long, StepMetrics> last = new java.util.TreeMap<>();
            List<io.lockstep.metrics.DivergenceEvent> rollbacks = new ArrayList<>();
            TrainResult r = new SyncTrainer(sc, model, config).withStepTimes(times()).fit(shards, EvalSets.none(),
                    new TrainListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            last.put(m.step(), m);
                        }

                        @Override
                        public void onDivergence(io.lockstep.metrics.DivergenceEvent e) {
                            rollbacks.add(e);
                        }
                    });
            assertEquals(TrainResult.Outcome.COMPLETED, r.outcome(), rollbacks.toString());
            assertTrue(!rollbacks.isEmpty(), "the jump to lr 1000 diverged");
            long examples = 0;
            for (StepMetrics m : last.values()) {
                examples += m.globalBatch();
                assertEquals(examples, m.examples(), "step " + m.step() + " after " + rollbacks.size() + " rollback(s)");
            }
            assertEquals(r.steps(), last.size());
            System.out.printf("[adaptive] %d rollback(s), %d steps%n", rollbacks.size(), r.steps());
        } finally {
            shards.release();
        }
    }

    @Test
    void goodputPicksAreTheDocumentedOnes() {
        assertEquals(List.of(12, 24, 48, 96, 192), Goodput.candidates(12, 192));
    }
}
