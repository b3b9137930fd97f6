package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-epoch global batch of batch growth: B·F^floor(e/E), stopping at the last size that fits in N. */
class BatchSizeScheduleTest {

    @Test
    void multipliesByFactorEveryEEpochsUntilTheNextSizeWouldExceedN() {
        BatchSizeSchedule s = new BatchSizeSchedule(10, 2, 2, 100);
        int[] expected = {10, 10, 20, 20, 40, 40, 80, 80, 80, 80};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], s.batchOf(e), "epoch " + e);
            assertEquals(100 / expected[e], s.stepsOf(e), "steps of epoch " + e);
        }
        assertEquals(3, s.growths());
        assertEquals(6, s.lastGrowthEpoch());
        assertTrue(s.grows());
        assertEquals("10 x2 every 2 epochs (10, 20, 40, 80; capped by 100 examples)", s.describe());
    }

    @Test
    void withoutGrowthEveryEpochHasTheBaseBatch() {
        BatchSizeSchedule s = BatchSizeSchedule.constant(30, 100);
        for (int e = 0; e < 5; e++) {
            assertEquals(30, s.batchOf(e));
        }
        assertEquals(0, s.growths());
        assertFalse(s.grows());
        assertEquals("constant 30", s.describe());
    }

    @Test
    void growthThatNeverFitsKeepsTheBaseBatch() {
        BatchSizeSchedule s = new BatchSizeSchedule(60, 2, 1, 100);
        assertFalse(s.grows());
        assertEquals(60, s.batchOf(7));
    }

    @Test
    void aBatchOfExactlyNStillFits() {
        assertEquals(100, new BatchSizeSchedule(25, 4, 1, 100).batchOf(3));
    }

    @Test
    void rejectsBadValuesNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BatchSizeSchedule(10, 1, 1, 100))
                .getMessage().contains("batchGrowthFactor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BatchSizeSchedule(10, 2, 0, 100))
                .getMessage().contains("batchGrowthEvery"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BatchSizeSchedule(101, 0, 1, 100))
                .getMessage().contains("larger than the training set"));
    }
}
