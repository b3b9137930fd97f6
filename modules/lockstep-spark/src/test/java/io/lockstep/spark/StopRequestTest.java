package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.train.CheckpointStore;
import io.lockstep.train.TrainingCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link StopRequest}: a request made during a step stops the run after that step with outcome
 * INTERRUPTED and a checkpoint from which a new trainer continues to the uninterrupted run's exact
 * parameters; a request before the first step trains nothing; without checkpointing the run still stops
 * cleanly. Also the {@link Checkpointing#EACH_EPOCH} cadence (after every epoch's last step and at the
 * end), and that a stop at a checkpointed step does not write that checkpoint twice.
 */
class StopRequestTest {
    private static final long SEED = 5;
    private static final Map<String, String> META = Map.of("run", "stop-request");

    private static JavaSparkContext sc;
    private static ModelAdapter model;
    private static ShardedDataset shards;
    private static Dataset data;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "stop-request");
        data = Synthetic.blobs(250, 12, 3, 3);
        model = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
        shards = ShardedDataset.distribute(sc, data, 2);
    }

    @AfterAll
    static void stop() {
        if (shards != null) {
            shards.release();
        }
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void stopDuringAStepEndsAfterItAndResumesToTheUninterruptedParameters() {
        TrainConfig config = config(8);
        TrainResult full = new SyncTrainer(sc, model, config).fit(shards, TrainListener.NONE);
        assertEquals(TrainResult.Outcome.COMPLETED, full.outcome());

        StopRequest stop = new StopRequest();
        MemoryStore store = new MemoryStore();
        Steps seen = new Steps(2, stop);
        TrainResult stopped = new SyncTrainer(sc, model, config).withStopRequest(stop)
                .fit(shards, EvalSets.none(), seen, new Checkpointing(store, 0, null, META));

        assertEquals(TrainResult.Outcome.INTERRUPTED, stopped.outcome());
        assertEquals(3, stopped.steps(), "the step during which the stop was requested is completed");
        assertEquals(List.of(0L, 1L, 2L), seen.steps);
        assertEquals(List.of(3L), store.nextSteps(), "one checkpoint, after the last completed step");
        assertArrayEquals(store.saved.get(0).params(), stopped.params(), "the result holds the checkpoint's parameters");
        assertFalse(stop.request(), "a request stays made");

        Steps rest = new Steps(-1, null);
        TrainResult resumed = new SyncTrainer(sc, model, config)
                .fit(shards, EvalSets.none(), rest, new Checkpointing(store, 0, store.saved.get(0), META));
        assertEquals(TrainResult.Outcome.COMPLETED, resumed.outcome());
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), rest.steps);
        assertArrayEquals(full.params(), resumed.params(), "resumed run must be bit-identical to the uninterrupted one");
    }

    @Test
    void stopRequestedBeforeTheFirstStepTrainsNothing() {
        StopRequest stop = new StopRequest();
        assertTrue(stop.request());
        MemoryStore store = new MemoryStore();
        Steps seen = new Steps(-1, null);
        TrainResult r = new SyncTrainer(sc, model, config(8)).withStopRequest(stop)
                .fit(shards, EvalSets.none(), seen, new Checkpointing(store, 0, null, META));
        assertEquals(TrainResult.Outcome.INTERRUPTED, r.outcome());
        assertEquals(0, r.steps());
        assertTrue(seen.steps.isEmpty());
        assertArrayEquals(model.initialParams(), r.params());
        assertEquals(List.of(0L), store.nextSteps(), "resumable from the start");
    }

    @Test
    void stopWithoutCheckpointingEndsCleanly() {
        StopRequest stop = new StopRequest();
        TrainResult r = new SyncTrainer(sc, model, config(8)).withStopRequest(stop)
                .fit(shards, EvalSets.none(), new Steps(0, stop));
        assertEquals(TrainResult.Outcome.INTERRUPTED, r.outcome());
        assertEquals(1, r.steps());
    }

    @Test
    void eachEpochCheckpointsAfterEveryEpochAndAtTheEnd() {
        TrainConfig config = config(17);
        BatchPlan plan = config.batchPlan(data.size());
        List<Long> expected = new ArrayList<>();
        for (long done = 1; done <= 17; done++) {
            if (plan.endsEpoch(done - 1) || done == 17) {
                expected.add(done);
            }
        }
        assertTrue(expected.size() >= 3, "the run spans more than two epochs: " + expected);
        MemoryStore store = new MemoryStore();
        new SyncTrainer(sc, model, config).fit(shards, EvalSets.none(), TrainListener.NONE,
                new Checkpointing(store, Checkpointing.EACH_EPOCH, null, META));
        assertEquals(expected, store.nextSteps());

        // a stop requested during an epoch's last step: that epoch's checkpoint is the only one written
        StopRequest stop = new StopRequest();
        MemoryStore once = new MemoryStore();
        long epochEnd = expected.get(0) - 1;
        TrainResult r = new SyncTrainer(sc, model, config).withStopRequest(stop).fit(shards, EvalSets.none(),
                new Steps(epochEnd, stop), new Checkpointing(once, Checkpointing.EACH_EPOCH, null, META));
        assertEquals(TrainResult.Outcome.INTERRUPTED, r.outcome());
        assertEquals(List.of(epochEnd + 1), once.nextSteps());
    }

    @Test
    void checkpointIntervalBelowEachEpochIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Checkpointing(new MemoryStore(), -2, null, META));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
    }

    private static TrainConfig config(long steps) {
        return TrainConfig.builder().globalBatch(32).workers(2).steps(steps).lr(1e-2).optimizer(OptimizerConfig.adam())
                .seed(SEED).build();
    }

    /** Records the steps it sees and requests a stop while step {@code stopAt} reports. */
    private static final class Steps implements TrainListener {
        final List<Long> steps = new ArrayList<>();
        private final long stopAt;
        private final StopRequest stop;

        Steps(long stopAt, StopRequest stop) {
            this.stopAt = stopAt;
            this.stop = stop;
        }

        @Override
        public void onStep(StepMetrics m) {
            steps.add(m.step());
            if (m.step() == stopAt) {
                stop.request();
            }
        }
    }

    /** Keeps every checkpoint in memory, in order. */
    private static final class MemoryStore implements CheckpointStore {
        final List<TrainingCheckpoint> saved = new ArrayList<>();

        @Override
        public void save(TrainingCheckpoint checkpoint) {
            saved.add(checkpoint);
        }

        @Override
        public Optional<TrainingCheckpoint> latest() {
            return saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1));
        }

        @Override
        public String location() {
            return "memory";
        }

        List<Long> nextSteps() {
            return saved.stream().map(TrainingCheckpoint::nextStep).toList();
        }
    }
}
