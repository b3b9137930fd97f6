package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link BatchPlan} with a growing batch: N = 100, B = 10, F = 2 every 2 epochs gives epochs of
 * 10, 10, 5, 5, 2, 2, 1, 1, ... steps of 10, 10, 20, 20, 40, 40, 80, 80, ... examples.
 */
class BatchPlanGrowthTest {
    private static final long SEED = 3;
    private final BatchPlan plan = new BatchPlan(new BatchSizeSchedule(10, 2, 2, 100), SEED);

    @Test
    void epochsStartWhereThePreviousEpochsStepsEnd() {
        long[] starts = {0, 10, 20, 25, 30, 32, 34, 35, 36};
        for (int e = 0; e < starts.length; e++) {
            assertEquals(starts[e], plan.firstStepOf(e), "first step of epoch " + e);
        }
        assertEquals(34 + 94, plan.firstStepOf(100), "after the last growth every epoch has one step");
    }

    @Test
    void stepsMapToEpochsAndBatchSizesAcrossGrowthBoundaries() {
        for (int e = 0; e < 12; e++) {
            for (long s = plan.firstStepOf(e); s < plan.firstStepOf(e + 1); s++) {
                assertEquals(e, plan.epochOf(s), "epoch of step " + s);
                assertEquals(plan.batchSchedule().batchOf(e), plan.batchSize(s), "batch of step " + s);
                assertEquals(plan.batchSize(s), plan.batch(s).length);
                assertEquals(s == plan.firstStepOf(e + 1) - 1, plan.endsEpoch(s), "end of epoch at step " + s);
            }
        }
        assertEquals(1, plan.epochOf(19));
        assertEquals(2, plan.epochOf(20));
        assertEquals(20, plan.batchSize(20));
        assertEquals(80, plan.batchSize(34));
    }

    @Test
    void eachEpochSlicesTheSamePermutationAsWithoutGrowth() {
        BatchPlan fixed = new BatchPlan(100, 10, SEED);
        for (int e = 0; e < 8; e++) {
            assertArrayEquals(fixed.permutation(e), plan.permutation(e), "permutation of epoch " + e);
            int b = plan.batchSchedule().batchOf(e);
            int[] concatenated = new int[plan.stepsInEpoch(e) * b];
            for (int t = 0; t < plan.stepsInEpoch(e); t++) {
                System.arraycopy(plan.batch(plan.firstStepOf(e) + t), 0, concatenated, t * b, b);
            }
            assertArrayEquals(Arrays.copyOf(plan.permutation(e), concatenated.length), concatenated, "epoch " + e);
        }
    }

    @Test
    void examplesCountEveryStepsBatch() {
        long seen = 0;
        for (long s = 0; s < 60; s++) {
            seen += plan.batchSize(s);
            assertEquals(seen, plan.examplesThrough(s), "examples after step " + s);
        }
        assertEquals(560, plan.examplesThrough(33), "six epochs: 200 + 200 + 160 examples");
    }

    @ParameterizedTest(name = "N={0}, B={1}")
    @CsvSource({"103, 10", "100, 10", "7, 7", "1000, 333"})
    void withoutGrowthThePlanIsTheFixedBatchPlan(int n, int b) {
        BatchPlan fixed = new BatchPlan(n, b, SEED);
        BatchPlan off = new BatchPlan(new BatchSizeSchedule(b, 0, 3, n), SEED);
        int spe = n / b;
        for (long s = 0; s < 4L * spe; s++) {
            int epoch = (int) (s / spe);
            int from = (int) (s % spe) * b;
            int[] expected = Arrays.copyOfRange(fixed.permutation(epoch), from, from + b);
            assertArrayEquals(expected, fixed.batch(s));
            assertArrayEquals(expected, off.batch(s));
            assertEquals(epoch, off.epochOf(s));
            assertEquals((s + 1) * b, off.examplesThrough(s));
            assertEquals((s + 1) % spe == 0, off.endsEpoch(s));
        }
        assertEquals(3L * spe, off.firstStepOf(3));
        assertFalse(off.batchSchedule().grows());
        assertTrue(off.stepsPerEpoch() == spe);
    }
}
