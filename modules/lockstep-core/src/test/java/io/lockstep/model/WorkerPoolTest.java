package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The pool reuses a worker per model and keeps networks of only the most recent models. */
class WorkerPoolTest {
    @Test
    void reusesWorkersAndEvictsModelsNoLongerUsed() {
        ModelAdapter a = Models.byName("mlp", 5, 2, 1);
        GradientWorker first = WorkerPool.withWorker(a, w -> w);
        assertSame(first, WorkerPool.withWorker(a, w -> w), "a returned worker is reused");
        for (int features = 6; features < 6 + 2 * WorkerPool.MAX_MODELS; features++) {
            WorkerPool.withWorker(Models.byName("mlp", features, 2, 1), w -> w);
        }
        assertEquals(WorkerPool.MAX_MODELS, WorkerPool.models());
        GradientWorker after = WorkerPool.withWorker(a, w -> w);
        org.junit.jupiter.api.Assertions.assertNotSame(first, after, "an evicted model gets a new network");
    }
}
