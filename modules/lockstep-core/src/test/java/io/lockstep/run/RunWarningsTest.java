package io.lockstep.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each warning fires for the configuration it is about, and a sensible run gets none. */
class RunWarningsTest {
    private static TrainConfig config(int batch, int workers, int microBatch) {
        return TrainConfig.builder().epochs(1).globalBatch(batch).workers(workers).microBatch(microBatch).build();
    }

    @Test
    void sensibleRunHasNoWarnings() {
        assertEquals(List.of(), RunWarnings.of(config(128, 2, 0), false, DataPlacement.REPLICATED, 2));
    }

    @Test
    void moreWorkersThanTaskSlots() {
        List<String> w = RunWarnings.of(config(4096, 8, 0), false, DataPlacement.REPLICATED, 2);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("P=8 is above the 2 task slots") && w.get(0).contains("4 waves"), w.get(0));
        assertEquals(List.of(), RunWarnings.of(config(4096, 8, 0), false, DataPlacement.REPLICATED, 0),
                "unknown slots: no claim");
    }

    @Test
    void tinyPerWorkerBatch() {
        List<String> w = RunWarnings.of(config(64, 64, 0), false, DataPlacement.SHARDED, 64);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("per-worker batch ~1.0 examples (B=64 / P=64) is below 8"), w.get(0));
        assertEquals(List.of(), RunWarnings.of(config(64, 8, 0), false, DataPlacement.SHARDED, 8), "8 per worker is fine");
    }

    @Test
    void microBatchThatCutsNothing() {
        List<String> w = RunWarnings.of(config(128, 2, 64), false, DataPlacement.REPLICATED, 2);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("micro-batch 64 is not smaller than a pass (64 examples)"), w.get(0));
        assertEquals(List.of(), RunWarnings.of(config(128, 2, 16), false, DataPlacement.REPLICATED, 2));
    }

    @Test
    void idleWorkersWithTooFewGhostBatches() {
        TrainConfig c = TrainConfig.builder().epochs(1).globalBatch(64).workers(4).ghostBatch(32).build();
        List<String> w = RunWarnings.of(c, true, DataPlacement.REPLICATED, 4);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("2 ghost batches per step for P=4 workers: 2 workers idle"), w.get(0));
    }
}
