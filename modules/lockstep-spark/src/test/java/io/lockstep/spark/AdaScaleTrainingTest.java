package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.adaptive.AdaScale;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.schedule.LrScaling;
import io.lockstep.train.TrainingCheckpoint;
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
 * {@code lrScaling adascale} in the trainer: the same run on P = 1, 2, 4 workers (ghost batches make the
 * parts of a step independent of P) gives the same gains, steps and parameters; every step's rate is the
 * scheduled rate times its gain and τ is the sum of the gains; the run ends when τ reaches its length;
 * a resume from a checkpoint (through the real checkpoint files) continues bit-identically; one part per
 * step is refused.
 */
class AdaScaleTrainingTest {
    private static final double LR = 0.05;
    private static final int LENGTH = 40; // base iterations of B_ref = 12
    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "adascale");
        data = Synthetic.blobs(300, 12, 3, 11);
        model = Models.byName("mlp", data.numFeatures(), data.numClasses(), 3);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    private static TrainConfig config(int workers, int ghost) {
        return TrainConfig.builder().globalBatch(48).ghostBatch(ghost).workers(workers).steps(LENGTH).lr(LR)
                .lrScaling(LrScaling.ADASCALE).referenceBatch(12).optimizer(OptimizerConfig.nesterov()).seed(9).build();
    }

    private record Run(TrainResult result, List<StepMetrics> steps) {}

    private static Run train(int workers, Checkpointing checkpointing, StopRequest stop, long stopAfter) {
        ShardedDataset shards = ShardedDataset.replicate(sc, data, workers);
        try {
            List<StepMetrics> steps = new ArrayList<>();
            TrainListener record = new TrainListener() {
                @Override
                public void onStep(StepMetrics m) {
                    steps.add(m);
                    if (m.step() == stopAfter) {
                        stop.request();
                    }
                }
            };
            TrainResult r = new SyncTrainer(sc, model, config(workers, 12)).withStopRequest(stop)
                    .fit(shards, EvalSets.none(), record, checkpointing);
            return new Run(r, steps);
        } finally {
            shards.release();
        }
    }

    private static Run train(int workers) {
        return train(workers, Checkpointing.none(), new StopRequest(), -1);
    }

    @Test
    void sameRunOnAnyWorkerCountWithTheGainAppliedAndTauCounted() {
        Run one = train(1);
        List<StepMetrics> s = one.steps();
        double tau = 0;
        double minGain = Double.MAX_VALUE;
        double maxGain = 0;
        for (StepMetrics m : s) {
            AdaScale.Gain g = m.stats().adaScale();
            assertEquals(tau, g.tau(), 1e-9, "tau before step " + m.step() + " is the sum of the earlier gains");
            assertTrue(g.gain() >= 1 && g.gain() <= 4, "gain in [1, S = 4]: " + g.gain());
            assertEquals(LR * g.gain(), m.stats().lr(), 1e-15, "constant schedule: lr = base lr x gain");
            tau += g.gain();
            minGain = Math.min(minGain, g.gain());
            maxGain = Math.max(maxGain, g.gain());
        }
        assertTrue(tau >= LENGTH && tau - s.get(s.size() - 1).stats().adaScale().gain() < LENGTH,
                "the run ends at the first step whose tau reaches " + LENGTH + " (tau " + tau + ")");
        assertTrue(s.size() < LENGTH && s.size() >= LENGTH / 4, s.size() + " steps");
        assertTrue(maxGain > minGain, "the gain follows the measured statistics (" + minGain + ".." + maxGain + ")");
        System.out.printf("[adascale] P=1: %d steps for %d base iterations, gain %.3f..%.3f%n", s.size(), LENGTH,
                minGain, maxGain);

        for (int p : new int[] {2, 4}) {
            Run other = train(p);
            assertEquals(s.size(), other.steps().size(), "same number of steps for P=" + p);
            double maxGainDiff = 0;
            for (int i = 0; i < s.size(); i++) {
                maxGainDiff = Math.max(maxGainDiff, Math.abs(s.get(i).stats().adaScale().gain()
                        - other.steps().get(i).stats().adaScale().gain()));
            }
            double rel = Dl4jReference.relativeError(one.result().params(), other.result().params());
            System.out.printf("[adascale] P=%d vs 1: params relative L2 %.3g, max gain difference %.3g%n", p, rel,
                    maxGainDiff);
            assertTrue(rel < 1e-5, "P=" + p + " vs P=1 relative difference " + rel);
            assertTrue(maxGainDiff < 1e-4, "P=" + p + " gains differ by " + maxGainDiff);
        }
    }

    @Test
    void resumeFromCheckpointFilesContinuesBitIdentically() throws java.io.IOException {
        Run full = train(2);
        String uri = tmp.resolve("ckpt").toUri().toString();
        Checkpointing save = new Checkpointing(new HadoopCheckpointStore(uri, sc.hadoopConfiguration(), 2), 0, null,
                Map.of());
        Run stopped = train(2, save, new StopRequest(), 3);
        assertEquals(TrainResult.Outcome.INTERRUPTED, stopped.result().outcome());
        TrainingCheckpoint c = new Checkpointing(new HadoopCheckpointStore(uri, sc.hadoopConfiguration(), 2), 0, null,
                Map.of()).store().latest().orElseThrow();
        assertEquals(4, c.nextStep());
        assertEquals(stopped.steps().get(3).progress(), c.adaScale().tau(), 0.0, "tau is in the checkpoint");
        Run resumed = train(2, new Checkpointing(save.store(), 0, c, Map.of()), new StopRequest(), -1);
        assertEquals(full.result().steps(), resumed.result().steps());
        assertArrayEquals(full.result().params(), resumed.result().params(), "bit-identical to the uninterrupted run");
        for (int i = 0; i < resumed.steps().size(); i++) {
            assertEquals(full.steps().get(4 + i).stats().adaScale(), resumed.steps().get(i).stats().adaScale());
        }
    }

    @Test
    void onePartPerStepIsRefused() {
        ShardedDataset shards = ShardedDataset.replicate(sc, data, 1);
        try {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new SyncTrainer(sc, model, config(1, 0)).fit(shards, TrainListener.NONE));
            assertTrue(e.getMessage().contains("lrScaling adascale needs at least two parts per step"), e.getMessage());
        } finally {
            shards.release();
        }
    }
}
