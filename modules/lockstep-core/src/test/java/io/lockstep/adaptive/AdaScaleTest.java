package io.lockstep.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.noise.NoiseScaleEstimator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gain against the paper's closed form on synthetic gradients with known Σ and ∇F: each part's mean
 * gradient of b_k examples is drawn exactly as g_k = ∇F + N(0, Σ/b_k), uneven parts included.
 */
class AdaScaleTest {

    /** Synthetic steps: true gradient with squared norm {@code sqNorm}, per-example covariance s²·I. */
    private static final class Synthetic {
        final int dim;
        final double[] grad;
        final double sd;
        final int[] parts;
        final Random rnd = new Random(7);
        final NoiseScaleEstimator noise = new NoiseScaleEstimator();

        Synthetic(double sqNorm, double traceSigma, int... parts) {
            this(50, sqNorm, traceSigma, parts);
        }

        Synthetic(int dim, double sqNorm, double traceSigma, int... parts) {
            this.dim = dim;
            this.grad = new double[dim];
            java.util.Arrays.fill(grad, Math.sqrt(sqNorm / dim));
            this.sd = Math.sqrt(traceSigma / dim);
            this.parts = parts;
        }

        int batch() {
            return java.util.Arrays.stream(parts).sum();
        }

        NoiseScaleEstimator.Estimate step() {
            int b = batch();
            double[] big = new double[dim];
            double weightedSmall = 0;
            for (int bk : parts) {
                double sq = 0;
                for (int j = 0; j < dim; j++) {
                    double g = grad[j] + sd / Math.sqrt(bk) * rnd.nextGaussian();
                    big[j] += g * bk / b;
                    sq += g * g;
                }
                weightedSmall += (double) bk / b * sq;
            }
            double bigSq = 0;
            for (double v : big) {
                bigSq += v * v;
            }
            return noise.observe(b, bigSq, parts.length, weightedSmall);
        }

        /** Mean gain over the last {@code measured} of {@code steps} steps. */
        double meanGain(AdaScale a, int steps, int measured) {
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                double r = a.observe(batch(), step()).gain();
                a.advance(r);
                if (t >= steps - measured) {
                    sum += r;
                }
            }
            return sum / measured;
        }
    }

    @Test
    void gainMatchesTheClosedFormWithUnevenParts() {
        double sqNorm = 1.0;
        double traceSigma = 32.0; // B_simple = 32
        Synthetic s = new Synthetic(sqNorm, traceSigma, 10, 20, 34); // B = 64, uneven
        int b0 = 8;
        double expected = AdaScale.gain(traceSigma / b0, sqNorm, 64.0 / b0); // (4 + 1)/(0.5 + 1) = 3.33
        assertEquals(5.0 / 1.5, expected, 1e-12);
        double measured = s.meanGain(new AdaScale(b0), 6000, 4000);
        assertEquals(expected, measured, 0.04 * expected, "mean gain over 4000 steps vs the closed form");
    }

    @Test
    void gainStaysInOneToS() {
        Random rnd = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            double scale = 1 + 100 * rnd.nextDouble();
            double r = AdaScale.gain(Math.max(rnd.nextDouble() * 10, AdaScale.MIN_VARIANCE), rnd.nextDouble() * 10, scale);
            assertTrue(r >= 1 && r <= scale, "r = " + r + " for S = " + scale);
        }
    }

    @Test
    void noiseFreeGradientsGiveGainOne() {
        Synthetic s = new Synthetic(1.0, 0.0, 16, 16, 16, 16); // σ² = 0
        double r = s.meanGain(new AdaScale(16), 500, 100);
        assertEquals(1.0, r, 1e-4);
    }

    @Test
    void pureNoiseGivesGainS() {
        // ∇F = 0, S = 4. μ̂² is clipped at 0 per step, so its average is slightly positive and r approaches S
        // from below; with many parameters (here 2,000) the per-step estimate hardly fluctuates and r is close.
        Synthetic s = new Synthetic(2000, 0.0, 50.0, 16, 16, 16, 16);
        double r = s.meanGain(new AdaScale(16), 3000, 1000);
        assertEquals(4.0, r, 0.1, "r -> S = 4 for pure noise");
    }

    @Test
    void tauCountsBaseIterations() {
        AdaScale a = new AdaScale(10);
        Synthetic s = new Synthetic(1.0, 20.0, 20, 20);
        double sum = 0;
        for (int t = 0; t < 50; t++) {
            AdaScale.Gain g = a.observe(40, s.step());
            assertEquals(sum, g.tau(), 1e-9, "the gain reports tau before its own advance");
            double r = g.gain();
            a.advance(r);
            sum += r;
        }
        assertEquals(sum, a.tau(), 1e-9);
    }

    @Test
    void stateRoundTripContinuesBitIdentically() {
        Synthetic s1 = new Synthetic(1.0, 32.0, 12, 20);
        AdaScale a = new AdaScale(8);
        s1.meanGain(a, 200, 1);
        AdaScale b = AdaScale.fromState(a.state());
        for (int t = 0; t < 100; t++) {
            NoiseScaleEstimator.Estimate e = s1.step();
            double ra = a.observe(32, e).gain();
            double rb = b.observe(32, e).gain();
            assertEquals(ra, rb, 0.0);
            a.advance(ra);
            b.advance(rb);
        }
        assertEquals(a.state(), b.state());
    }

    @Test
    void undefinedStepsKeepTheAveragesAndStartAtOne() {
        AdaScale a = new AdaScale(8);
        NoiseScaleEstimator.Estimate undefined = new NoiseScaleEstimator().observe(32, 1.0, 1, 1.0);
        assertEquals(1.0, a.observe(32, undefined).gain(), 0.0, "no estimate yet: gain 1");
        assertThrows(IllegalArgumentException.class, () -> a.observe(4, undefined), "B below b0");
    }
}
