package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LineFitTest {
    @Test
    void passesThroughPointsOnALine() {
        LineFit f = LineFit.of(new double[] {1, 2, 4}, new double[] {5, 7, 11});
        assertEquals(2, f.slope(), 1e-12);
        assertEquals(3, f.intercept(), 1e-12);
        assertEquals(14.0 / 3, f.spread(), 1e-12);
    }

    @Test
    void leastSquaresThroughScatteredPoints() {
        LineFit f = LineFit.of(new double[] {0, 1, 2, 3}, new double[] {1, 3, 2, 4});
        assertEquals(0.8, f.slope(), 1e-12);
        assertEquals(1.3, f.intercept(), 1e-12);
    }

    @Test
    void equalXGiveNoSlopeAndTheMeanAsIntercept() {
        LineFit f = LineFit.of(new double[] {2, 2}, new double[] {1, 5});
        assertEquals(0, f.spread());
        assertEquals(0, f.slope());
        assertEquals(3, f.intercept(), 1e-12);
    }

    @Test
    void mismatchedOrEmptyInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> LineFit.of(new double[] {1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> LineFit.of(new double[0], new double[0]));
    }
}
