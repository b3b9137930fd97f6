package io.lockstep.adaptive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.BatchPlan;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The adaptive plan against {@link BatchPlan} for a constant size, and its invariants when the size changes:
 * consecutive slices of the epoch's permutation, an epoch ends when the next batch no longer fits, replay
 * and truncation reproduce the same batches.
 */
class AdaptiveBatchPlanTest {
    private static final int N = 1000;

    @Test
    void aConstantSizeGivesBatchPlansBatches() {
        BatchPlan fixed = new BatchPlan(N, 96, 3);
        AdaptiveBatchPlan plan = new AdaptiveBatchPlan(N, 3, 96);
        for (long t = 0; t < 40; t++) {
            plan.define(t + 1, 96);
            assertArrayEquals(fixed.batch(t), plan.batch(t), "step " + t);
            assertEquals(fixed.epochOf(t), plan.epochOf(t));
            assertEquals(fixed.endsEpoch(t), plan.endsEpoch(t), "step " + t);
            assertEquals(fixed.examplesThrough(t), plan.examplesThrough(t));
        }
        assertEquals(fixed.stepsPerEpoch(), plan.stepsPerEpoch());
    }

    @Test
    void changingSizesTakeConsecutiveSlicesAndStartAnEpochWhenTheNextDoesNotFit() {
        int[] sizes = {100, 100, 300, 300, 250, 50, 400, 400, 20, 700, 1000, 64};
        AdaptiveBatchPlan plan = new AdaptiveBatchPlan(N, 11, sizes[0]);
        for (int t = 1; t < sizes.length; t++) {
            plan.define(t, sizes[t]);
        }
        BatchPlan order = new BatchPlan(N, 1, 11);
        int epoch = 0;
        int offset = 0;
        long examples = 0;
        Set<Integer> seenInEpoch = new HashSet<>();
        for (int t = 0; t < sizes.length; t++) {
            if (offset + sizes[t] > N) {
                epoch++;
                offset = 0;
                seenInEpoch.clear();
            }
            int[] expected = java.util.Arrays.copyOfRange(order.permutation(epoch), offset, offset + sizes[t]);
            assertArrayEquals(expected, plan.batch(t), "step " + t);
            assertEquals(epoch, plan.epochOf(t), "epoch of step " + t);
            assertEquals(sizes[t], plan.batchSize(t));
            for (int i : plan.batch(t)) {
                assertTrue(seenInEpoch.add(i), "example " + i + " twice in epoch " + epoch);
            }
            offset += sizes[t];
            examples += sizes[t];
            assertEquals(examples, plan.examplesThrough(t));
            if (t + 1 < sizes.length) {
                assertEquals(offset + sizes[t + 1] > N, plan.endsEpoch(t), "end of epoch after step " + t);
            }
        }
        assertEquals(List.of(new AdaptiveBatchPlan.Segment(0, 2, 100), new AdaptiveBatchPlan.Segment(2, 2, 300),
                new AdaptiveBatchPlan.Segment(4, 1, 250), new AdaptiveBatchPlan.Segment(5, 1, 50),
                new AdaptiveBatchPlan.Segment(6, 2, 400), new AdaptiveBatchPlan.Segment(8, 1, 20),
                new AdaptiveBatchPlan.Segment(9, 1, 700), new AdaptiveBatchPlan.Segment(10, 1, 1000),
                new AdaptiveBatchPlan.Segment(11, 1, 64)), plan.history());

        AdaptiveBatchPlan replayed = AdaptiveBatchPlan.replay(N, 11, plan.history());
        assertEquals(plan.definedSteps(), replayed.definedSteps());
        for (int t = 0; t < sizes.length; t++) {
            assertArrayEquals(plan.batch(t), replayed.batch(t), "replayed step " + t);
            assertEquals(plan.examplesThrough(t), replayed.examplesThrough(t));
        }
    }

    @Test
    void truncationForgetsLaterSizesAndRedefinesThemFromThere() {
        AdaptiveBatchPlan plan = new AdaptiveBatchPlan(N, 5, 200);
        plan.define(1, 200);
        plan.define(2, 400);
        plan.define(3, 400);
        plan.truncate(1);
        assertEquals(2, plan.definedSteps());
        assertThrows(IllegalStateException.class, () -> plan.batch(2));
        plan.define(2, 100);
        AdaptiveBatchPlan direct = new AdaptiveBatchPlan(N, 5, 200);
        direct.define(1, 200);
        direct.define(2, 100);
        assertArrayEquals(direct.batch(2), plan.batch(2));
        assertEquals(direct.history(), plan.history());
    }

    @Test
    void undefinedStepsAndBadSizesAreRefused() {
        AdaptiveBatchPlan plan = new AdaptiveBatchPlan(N, 5, 200);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> plan.endsEpoch(0));
        assertTrue(e.getMessage().contains("not defined yet"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> plan.define(2, 10));
        assertThrows(IllegalArgumentException.class, () -> plan.define(1, N + 1));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveBatchPlan(N, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> AdaptiveBatchPlan.replay(N, 5,
                List.of(new AdaptiveBatchPlan.Segment(1, 2, 10))));
        assertThrows(IllegalArgumentException.class, () -> AdaptiveBatchPlan.replay(N, 5,
                List.of(new AdaptiveBatchPlan.Segment(0, 2, 10), new AdaptiveBatchPlan.Segment(3, 2, 10))));
        assertFalse(plan.history().isEmpty());
    }
}
