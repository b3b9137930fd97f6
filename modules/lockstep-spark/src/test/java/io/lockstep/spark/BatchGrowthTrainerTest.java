package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.train.CheckpointStore;
import io.lockstep.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch growth in {@link SyncTrainer}: N = 250, B = 25, F = 2 every epoch gives epochs of 10 steps
 * of 25, 5 of 50 and 2 of 100. Until the first growth the run is the run without growth; after it
 * every step has F·B examples; epoch ends (and evaluations) follow the plan; a resume across the
 * boundary is bit-identical; and the result does not depend on the number of workers.
 */
class BatchGrowthTrainerTest {
    private static final long SEED = 7;
    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;
    private static ShardedDataset shards;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "batch-growth");
        data = Synthetic.blobs(250, 12, 3, 11);
        model = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
        shards = ShardedDataset.distribute(sc, data, 2);
    }

    @AfterAll
    static void stop() {
        shards.release();
        sc.stop();
    }

    private static TrainConfig.Builder config(int growthFactor) {
        return TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(25).workers(2).epochs(3)
                .lr(0.002).optimizer(OptimizerConfig.nesterov()).batchGrowthFactor(growthFactor).batchGrowthEvery(1)
                .seed(SEED);
    }

    @Test
    void identicalUntilTheFirstGrowthThenStepsOfFactorTimesB() {
        Recorder fixed = new Recorder();
        new SyncTrainer(sc, model, config(0).build()).fit(shards, EvalSets.none().with(EvalSets.TRAIN, shards), fixed);
        Recorder grown = new Recorder();
        TrainResult result = new SyncTrainer(sc, model, config(2).build())
                .fit(shards, EvalSets.none().with(EvalSets.TRAIN, shards), grown);

        assertEquals(30, fixed.steps.size());
        assertEquals(10 + 5 + 2, grown.steps.size());
        assertEquals(17, result.steps());
        for (int s = 0; s < 10; s++) {
            assertEquals(fixed.steps.get(s).stats(), grown.steps.get(s).stats(), "step " + s + " before the growth");
            assertEquals(fixed.steps.get(s).examples(), grown.steps.get(s).examples());
        }
        assertEquals(fixed.evals.get(0), grown.evals.get(0), "the first epoch-end evaluation");
        long previous = 250;
        for (int s = 10; s < 17; s++) {
            StepMetrics m = grown.steps.get(s);
            int batch = s < 15 ? 50 : 100;
            assertEquals(s < 15 ? 1 : 2, m.epoch(), "epoch of step " + s);
            assertEquals(previous + batch, m.examples(), "step " + s + " has " + batch + " examples");
            previous = m.examples();
        }
        assertTrue(fixed.steps.get(10).stats().loss() != grown.steps.get(10).stats().loss(),
                "after the growth the batches differ: " + fixed.steps.get(10).stats().loss());
        assertTrue(grown.steps.get(16).stats().loss() > 0, "the problem must not be solved exactly");
        assertEquals(List.of(9L, 14L, 16L), grown.evals.stream().map(EvalMetrics::step).toList(),
                "one evaluation at the end of each epoch of the plan");
        assertEquals(List.of(0, 1, 2), grown.evals.stream().map(EvalMetrics::epoch).toList());
    }

    @Test
    void resumeAcrossTheGrowthBoundaryIsBitIdentical() throws IOException {
        TrainConfig config = config(2).build();
        Recorder full = new Recorder();
        TrainResult uninterrupted = new SyncTrainer(sc, model, config).fit(shards, EvalSets.none(), full);

        CheckpointStore store = new HadoopCheckpointStore(tmp.resolve("growth").toUri().toString(), sc.hadoopConfiguration());
        Map<String, String> meta = Map.of("run", "batch-growth");
        Recorder crashing = new Recorder(12);
        assertThrows(IllegalStateException.class, () -> new SyncTrainer(sc, model, config)
                .fit(shards, EvalSets.none(), crashing, new Checkpointing(store, 1, null, meta)));
        TrainingCheckpoint ckpt = store.latest().orElseThrow();
        assertEquals(12, ckpt.nextStep(), "resumes inside the second epoch, after the growth");

        Recorder resumed = new Recorder();
        TrainResult second = new SyncTrainer(sc, model, config)
                .fit(shards, EvalSets.none(), resumed, new Checkpointing(store, 1, ckpt, meta));
        assertArrayEquals(uninterrupted.params(), second.params(), "resumed run with batch growth");
        assertEquals(full.steps.subList(12, 17).stream().map(BatchGrowthTrainerTest::withoutTimings).toList(),
                resumed.steps.stream().map(BatchGrowthTrainerTest::withoutTimings).toList());
    }

    @Test
    void growthResultDoesNotDependOnTheWorkerCount() {
        float[] two = new SyncTrainer(sc, model, config(2).build()).fit(shards, TrainListener.NONE).params();
        ShardedDataset one = ShardedDataset.distribute(sc, data, 1);
        try {
            float[] single = new SyncTrainer(sc, model, config(2).workers(1).build()).fit(one, TrainListener.NONE).params();
            double err = Dl4jReference.relativeError(single, two);
            assertTrue(err < 1e-5, "P=1 vs P=2 with batch growth: relative error " + err);
            assertTrue(Dl4jReference.relativeError(model.initialParams(), single) > 1e-3, "training moved the parameters");
        } finally {
            one.release();
        }
    }

    private static List<Object> withoutTimings(StepMetrics m) {
        return List.of(m.step(), m.epoch(), m.examples(), m.stats());
    }

    /** Records steps and evaluations; optionally throws when asked to report step {@code crashAt}. */
    private static final class Recorder implements TrainListener {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<EvalMetrics> evals = new ArrayList<>();
        private final long crashAt;

        Recorder() {
            this(-1);
        }

        Recorder(long crashAt) {
            this.crashAt = crashAt;
        }

        @Override
        public void onStep(StepMetrics m) {
            if (m.step() == crashAt) {
                throw new IllegalStateException("crash at step " + crashAt);
            }
            steps.add(m);
        }

        @Override
        public void onEval(EvalMetrics e) {
            evals.add(e);
        }
    }
}
