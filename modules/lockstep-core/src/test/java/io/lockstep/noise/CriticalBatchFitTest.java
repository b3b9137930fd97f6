package io.lockstep.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CriticalBatchFitTest {
    private static final double S_MIN = 1000;
    private static final double B_CRIT = 500;

    /** Batch sizes 16 … 16384 (powers of two), each {@code repeats} times. */
    private static double[] sweep(int repeats) {
        double[] b = new double[11 * repeats];
        for (int i = 0; i < b.length; i++) {
            b[i] = 16L << (i / repeats);
        }
        return b;
    }

    private static double exactSteps(double b) {
        return S_MIN * (1 + B_CRIT / b);
    }

    @Test
    void recoversExactCurve() {
        double[] b = sweep(1);
        double[] s = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            s[i] = exactSteps(b[i]);
        }
        CriticalBatchFit.Result fit = CriticalBatchFit.fit(b, s);
        assertEquals(S_MIN, fit.sMin(), 1e-9 * S_MIN);
        assertEquals(B_CRIT, fit.bCrit(), 1e-9 * B_CRIT);
        assertEquals(S_MIN * B_CRIT, fit.eMin(), 1e-6 * S_MIN * B_CRIT);
        assertEquals(1.0, fit.rSquared(), 1e-12);
        assertEquals(11, fit.n());
        assertEquals(2 * S_MIN, fit.steps(B_CRIT), 1e-9 * S_MIN, "S(B_crit) = 2·S_min");
    }

    @Test
    void twoPointsDetermineTheCurve() {
        CriticalBatchFit.Result fit = CriticalBatchFit.fit(new double[] {100, 2000},
                new double[] {exactSteps(100), exactSteps(2000)});
        assertEquals(S_MIN, fit.sMin(), 1e-9 * S_MIN);
        assertEquals(B_CRIT, fit.bCrit(), 1e-9 * B_CRIT);
        assertEquals(1.0, fit.rSquared(), 1e-12);
    }

    private static double[] noisySteps(double[] b, Random rng) {
        double[] s = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            s[i] = exactSteps(b[i]) * (1 + 0.05 * rng.nextGaussian());
        }
        return s;
    }

    @Test
    void recoversBCritUnderFivePercentNoise() {
        // 11 batch sizes × 8 runs, each S multiplied by (1 + 0.05·N(0,1)). Over 400 seeds this design's
        // |B_crit error| has median ~1.1% and 99th percentile ~3.9%, so 5% is a real but safe bound.
        double[] b = sweep(8);
        CriticalBatchFit.Result fit = CriticalBatchFit.fit(b, noisySteps(b, new Random(42)));
        assertEquals(B_CRIT, fit.bCrit(), 0.05 * B_CRIT, "B_crit");
        assertEquals(S_MIN, fit.sMin(), 0.05 * S_MIN, "S_min");
        assertTrue(fit.rSquared() > 0.95, "r² = " + fit.rSquared());
        assertEquals(88, fit.n());
    }

    @Test
    void relativeWeightingKeepsSmallSweepsAccurate() {
        // 11 batch sizes × 1 run, 200 seeds: median |B_crit error| ~2.6% (unweighted least squares: ~14%).
        double[] b = sweep(1);
        double[] err = new double[200];
        Random rng = new Random(7);
        for (int seed = 0; seed < err.length; seed++) {
            err[seed] = Math.abs(CriticalBatchFit.fit(b, noisySteps(b, rng)).bCrit() / B_CRIT - 1);
        }
        java.util.Arrays.sort(err);
        assertTrue(err[err.length / 2] < 0.05, "median |B_crit error| = " + err[err.length / 2]);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {1, 2}, new double[] {1}), "length mismatch");
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {64}, new double[] {100}), "one point");
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[0], new double[0]), "no points");
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {64, 64, 64}, new double[] {100, 110, 90}));
        assertTrue(same.getMessage().contains("distinct"), same.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {0, 64}, new double[] {100, 90}), "B = 0");
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {-32, 64}, new double[] {100, 90}), "B < 0");
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {32, 64}, new double[] {100, 0}), "S = 0");
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {32, 64}, new double[] {-1, 90}), "S < 0");
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {32, Double.NaN}, new double[] {100, 90}), "B NaN");
        assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {32, 64}, new double[] {100, Double.POSITIVE_INFINITY}),
                "S infinite");
    }

    @Test
    void rejectsCurvesWithoutPositiveSMin() {
        // S falls faster than 1/B: intercept −2, no S_min > 0, B_crit not identifiable.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CriticalBatchFit.fit(new double[] {1, 2}, new double[] {10, 4}));
        assertTrue(e.getMessage().contains("S_min"), e.getMessage());
    }

    @Test
    void negativeBCritIsReportedNotHidden() {
        // More steps at larger batches: no trade-off, B_crit < 0 is returned for the caller to judge.
        CriticalBatchFit.Result fit = CriticalBatchFit.fit(new double[] {100, 1000}, new double[] {900, 1000});
        assertTrue(fit.bCrit() < 0);
        assertTrue(fit.sMin() > 0);
    }
}
