package io.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Patience-based early stopping, hand-traced. */
class EarlyStoppingTest {
    @Test
    void patienceTwoStopsAfterTwoEvaluationsWithoutANewBest() {
        EarlyStopping s = new EarlyStopping(2);
        assertEquals(Double.POSITIVE_INFINITY, s.best());
        assertTrue(s.observe(1.0));
        assertFalse(s.shouldStop());
        assertFalse(s.observe(1.1));
        assertFalse(s.shouldStop(), "one evaluation without improvement");
        assertTrue(s.observe(0.9), "a new best resets the count");
        assertFalse(s.shouldStop());
        assertFalse(s.observe(0.95));
        assertFalse(s.shouldStop());
        assertFalse(s.observe(0.9), "equal to the best is not an improvement");
        assertTrue(s.shouldStop());
        assertEquals(0.9, s.best());
    }

    @Test
    void patienceOneStopsAtTheFirstNonImprovement() {
        EarlyStopping s = new EarlyStopping(1);
        assertTrue(s.observe(3.0));
        assertTrue(s.observe(2.0));
        assertFalse(s.shouldStop());
        assertFalse(s.observe(2.5));
        assertTrue(s.shouldStop());
        assertEquals(2.0, s.best());
    }

    @Test
    void aNaNLossIsNeverAnImprovement() {
        EarlyStopping s = new EarlyStopping(1);
        assertTrue(s.observe(1.0));
        assertFalse(s.observe(Double.NaN));
        assertTrue(s.shouldStop());
        assertEquals(1.0, s.best());
    }

    @Test
    void patienceZeroNeverStops() {
        EarlyStopping s = new EarlyStopping(0);
        for (int i = 0; i < 100; i++) {
            s.observe(i);
        }
        assertFalse(s.shouldStop());
        assertEquals(0.0, s.best());
    }

    @Test
    void negativePatienceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(-1));
        assertTrue(e.getMessage().contains("patience") && e.getMessage().contains("-1"), e.getMessage());
    }
}
