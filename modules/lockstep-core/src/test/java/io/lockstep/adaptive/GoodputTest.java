package io.lockstep.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Goodput against Pollux's closed form E(M) = (φ + M0)/(φ + M), φ the per-example noise scale. */
class GoodputTest {

    @Test
    void efficiencyIsPolluxsClosedForm() {
        int b0 = 64;
        double variance = 3.0; // σ² at b0, so tr Σ = b0 σ²
        double sqNorm = 0.01;
        double phi = b0 * variance / sqNorm; // B_simple = tr Σ / |G|^2
        for (int b : new int[] {64, 100, 256, 1000, 4096}) {
            assertEquals((phi + b0) / (phi + b), Goodput.efficiency(variance, sqNorm, b0, b), 1e-12, "B=" + b);
        }
        assertEquals(1.0, Goodput.efficiency(variance, sqNorm, b0, b0), 1e-15);
    }

    @Test
    void efficiencyLimits() {
        assertEquals(64.0 / 4096, Goodput.efficiency(1e-12, 1.0, 64, 4096), 1e-9, "noise-free: no gain from a larger batch");
        assertEquals(1.0, Goodput.efficiency(1.0, 0.0, 64, 4096), 1e-12, "pure noise: every example counts");
    }

    @Test
    void bestMaximizesBaseExamplesPerSecond() {
        // T(B) = 10 ms + 0.05 ms/example; B_simple = 500 at b0 = 64.
        double sqNorm = 0.02;
        double variance = 500 * sqNorm / 64;
        List<Integer> candidates = Goodput.candidates(64, 4096);
        Goodput.Choice best = Goodput.best(candidates, variance, sqNorm, 64, b -> 10 + 0.05 * b);
        double bestByHand = 0;
        int argmax = 0;
        for (int b : candidates) {
            double g = b / ((10 + 0.05 * b) / 1000) * (500.0 + 64) / (500.0 + b);
            if (g > bestByHand) {
                bestByHand = g;
                argmax = b;
            }
        }
        assertEquals(argmax, best.batch());
        assertEquals(bestByHand, best.goodput(), 1e-9 * bestByHand);
        assertEquals(256, best.batch(), "with these numbers the optimum is interior");
    }

    @Test
    void noiseFreeGradientsPickTheSmallestBatchPureNoiseTheLargest() {
        List<Integer> c = Goodput.candidates(32, 1024);
        assertEquals(32, Goodput.best(c, 1e-9, 1.0, 32, b -> 5 + 0.01 * b).batch());
        assertEquals(1024, Goodput.best(c, 1.0, 0.0, 32, b -> 5 + 0.01 * b).batch());
    }

    @Test
    void candidatesDoubleUpToTheMaximum() {
        assertEquals(List.of(64, 128, 256, 300), Goodput.candidates(64, 300));
        assertEquals(List.of(64), Goodput.candidates(64, 64));
        assertThrows(IllegalArgumentException.class, () -> Goodput.candidates(65, 64));
    }

    @Test
    void undefinedEstimatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Goodput.best(List.of(64), Double.NaN, 1, 64, b -> 1.0));
        assertThrows(IllegalArgumentException.class, () -> Goodput.best(List.of(64), 1, 1, 64, b -> 0.0));
    }
}
