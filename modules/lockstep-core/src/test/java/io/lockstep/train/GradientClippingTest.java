package io.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Global-norm clipping on hand-computed vectors. */
class GradientClippingTest {
    @Test
    void normIsTheEuclideanNorm() {
        assertEquals(5.0, GradientClipping.norm(new float[] {3f, -4f}), 0.0);
        assertEquals(13.0, GradientClipping.norm(new float[] {3f, 4f, 12f}), 0.0);
        assertEquals(0.0, GradientClipping.norm(new float[0]), 0.0);
    }

    @Test
    void normIsAccumulatedInDoubleSoLargeFloatsDoNotOverflow() {
        // 1e20f squared overflows float (max ~3.4e38) but not double
        double n = GradientClipping.norm(new float[] {1e20f, 1e20f});
        assertEquals(Math.sqrt(2) * 1e20f, n, 1e6);
        assertTrue(Double.isFinite(n));
    }

    @Test
    void aGradientAboveTheThresholdIsScaledToIt() {
        float[] g = {3f, -4f}; // norm 5
        assertTrue(GradientClipping.clip(g, 5.0, 2.5));
        assertArrayEquals(new float[] {1.5f, -2f}, g, 1e-7f);
        assertEquals(2.5, GradientClipping.norm(g), 1e-6);
    }

    @Test
    void aGradientAtOrBelowTheThresholdIsUntouched() {
        float[] g = {3f, -4f};
        assertFalse(GradientClipping.clip(g, 5.0, 5.0), "equal to the threshold");
        assertFalse(GradientClipping.clip(g, 5.0, 7.0));
        assertArrayEquals(new float[] {3f, -4f}, g, 0f);
    }

    @Test
    void zeroThresholdDisablesClipping() {
        float[] g = {300f, -400f};
        assertFalse(GradientClipping.clip(g, 500.0, 0.0));
        assertArrayEquals(new float[] {300f, -400f}, g, 0f);
    }

    @Test
    void aNonFiniteNormIsLeftToTheDivergenceGuard() {
        float[] g = {Float.NaN, 1f};
        assertFalse(GradientClipping.clip(g, Double.NaN, 1.0));
        assertFalse(GradientClipping.clip(g, Double.POSITIVE_INFINITY, 1.0));
        assertEquals(1f, g[1], 0f);
    }
}
