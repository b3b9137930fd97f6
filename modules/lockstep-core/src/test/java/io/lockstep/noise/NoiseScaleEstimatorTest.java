package io.lockstep.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class NoiseScaleEstimatorTest {
    private static final double EPS = 1e-12;

    @Test
    void singleStepByHand() {
        // B = 100, K = 4 ⇒ B_small = 25. ‖G_big‖² = 1, ‖G_small‖² = 2.
        // ‖G‖² = (100·1 − 25·2)/(100 − 25) = 2/3;  tr Σ = (2 − 1)/(1/25 − 1/100) = 100/3;  B_simple = 50.
        NoiseScaleEstimator.Estimate e = new NoiseScaleEstimator().observe(100, 1.0, 4, 2.0);
        assertTrue(e.stepDefined());
        assertEquals(2.0 / 3, e.gradSqNorm(), EPS);
        assertEquals(100.0 / 3, e.traceSigma(), EPS);
        assertEquals(2.0 / 3, e.emaGradSqNorm(), EPS, "bias-corrected EMA of one step is that step");
        assertEquals(100.0 / 3, e.emaTraceSigma(), EPS);
        assertEquals(50.0, e.bSimple(), 1e-9);
        assertEquals(25.0, NoiseScaleEstimator.effectiveSmallBatch(100, 4), EPS);
    }

    @Test
    void twoEqualWorkersMatchThePaperForm() {
        // K = 2, B = 512 ⇒ B_small = 256; the paper's formulas with B_small = 256, B_big = 512.
        double big = 0.3;
        double small = 0.7;
        NoiseScaleEstimator.Estimate e = new NoiseScaleEstimator().observe(512, big, 2, small);
        assertEquals((512 * big - 256 * small) / (512 - 256), e.gradSqNorm(), EPS);
        assertEquals((small - big) / (1.0 / 256 - 1.0 / 512), e.traceSigma(), 1e-9);
    }

    @Test
    void unevenPartsOfKnownGradientsGiveExactNoiseFreeAnswer() {
        // With no noise (every example has the same gradient g) all parts' means equal g: tr Σ = 0, ‖G‖² = ‖g‖².
        double gSq = 3.5;
        NoiseScaleEstimator.Estimate e = new NoiseScaleEstimator().observe(37, gSq, 3, gSq);
        assertEquals(gSq, e.gradSqNorm(), EPS);
        assertEquals(0.0, e.traceSigma(), EPS);
        assertTrue(Double.isNaN(e.bSimple()), "tr Σ EMA = 0 ⇒ B_simple undefined");
    }

    @Test
    void undefinedStepsContributeNothing() {
        NoiseScaleEstimator est = new NoiseScaleEstimator(0.9);
        NoiseScaleEstimator.Estimate none = est.observe(64, 1.0, 1, 1.0);
        assertFalse(none.stepDefined());
        assertTrue(Double.isNaN(none.gradSqNorm()) && Double.isNaN(none.traceSigma()));
        assertTrue(Double.isNaN(none.emaGradSqNorm()) && Double.isNaN(none.emaTraceSigma()));
        assertTrue(Double.isNaN(none.bSimple()), "no defined step yet");
        assertFalse(est.observe(64, 1.0, 0, 0.0).stepDefined(), "K = 0");
        assertEquals(0, est.steps());
        assertTrue(Double.isNaN(est.current().bSimple()));

        NoiseScaleEstimator.Estimate first = est.observe(100, 1.0, 4, 2.0);
        NoiseScaleEstimator.State before = est.state();
        NoiseScaleEstimator.Estimate skipped = est.observe(100, 1.0, 1, 2.0);
        assertFalse(skipped.stepDefined());
        assertEquals(first.emaGradSqNorm(), skipped.emaGradSqNorm(), "running averages still reported");
        assertEquals(first.bSimple(), skipped.bSimple());
        assertFalse(est.observe(100, Double.NaN, 4, 2.0).stepDefined(), "diverged step");
        assertFalse(est.observe(100, 1.0, 4, Double.POSITIVE_INFINITY).stepDefined(), "diverged step");
        assertEquals(before, est.state(), "undefined steps leave the state untouched");
        assertEquals(1, est.steps());
    }

    @Test
    void emaIsBiasCorrected() {
        double beta = 0.9;
        NoiseScaleEstimator est = new NoiseScaleEstimator(beta);
        // Step 1: ‖G‖² = 2/3, tr Σ = 100/3 (as above). Step 2: B = 100, K = 2, big = 1, small = 1.5:
        // ‖G‖² = (2·1 − 1.5)/1 = 0.5, tr Σ = 100·0.5/1 = 50.
        est.observe(100, 1.0, 4, 2.0);
        est.observe(100, 1.0, 1, 9.0); // undefined: does not advance t
        NoiseScaleEstimator.Estimate e = est.observe(100, 1.0, 2, 1.5);
        assertEquals(0.5, e.gradSqNorm(), EPS);
        assertEquals(50.0, e.traceSigma(), EPS);
        // m_2 / (1 − β²) = (β(1−β)x₁ + (1−β)x₂)/(1 − β²) = (β·x₁ + x₂)/(1 + β)
        double g = (beta * (2.0 / 3) + 0.5) / (1 + beta);
        double t = (beta * (100.0 / 3) + 50.0) / (1 + beta);
        assertEquals(g, e.emaGradSqNorm(), EPS);
        assertEquals(t, e.emaTraceSigma(), 1e-10);
        assertEquals(t / g, e.bSimple(), 1e-9, "ratio of the EMAs, not an EMA of ratios");
        assertEquals(2, est.steps());

        // Constant input: the corrected EMA equals the constant at every step (no start-up bias toward 0).
        NoiseScaleEstimator c = new NoiseScaleEstimator(0.999);
        for (int i = 0; i < 5; i++) {
            NoiseScaleEstimator.Estimate ci = c.observe(100, 1.0, 4, 2.0);
            assertEquals(2.0 / 3, ci.emaGradSqNorm(), 1e-9);
            assertEquals(100.0 / 3, ci.emaTraceSigma(), 1e-9);
        }
    }

    @Test
    void zeroDecayReportsTheLatestStep() {
        NoiseScaleEstimator est = new NoiseScaleEstimator(0.0);
        est.observe(100, 1.0, 4, 2.0);
        NoiseScaleEstimator.Estimate e = est.observe(100, 1.0, 2, 1.5);
        assertEquals(0.5, e.emaGradSqNorm(), EPS);
        assertEquals(50.0, e.emaTraceSigma(), EPS);
    }

    @Test
    void nonPositiveGradientEstimateGivesNoNoiseScale() {
        // K·big < small ⇒ ‖G‖² estimate < 0: noise dominates, B_simple is NaN (not a negative number).
        NoiseScaleEstimator.Estimate e = new NoiseScaleEstimator().observe(100, 1.0, 4, 5.0);
        assertTrue(e.gradSqNorm() < 0);
        assertTrue(e.traceSigma() > 0);
        assertTrue(Double.isNaN(e.bSimple()));
    }

    @Test
    void rejectsInvalidArguments() {
        NoiseScaleEstimator est = new NoiseScaleEstimator();
        assertThrows(IllegalArgumentException.class, () -> est.observe(0, 1.0, 2, 1.0), "B = 0");
        assertThrows(IllegalArgumentException.class, () -> est.observe(3, 1.0, 4, 1.0), "K > B");
        assertThrows(IllegalArgumentException.class, () -> est.observe(8, 1.0, -1, 1.0), "K < 0");
        assertThrows(IllegalArgumentException.class, () -> est.observe(8, -1.0, 2, 1.0), "negative norm");
        assertThrows(IllegalArgumentException.class, () -> est.observe(8, 1.0, 2, -1.0), "negative norm");
        assertThrows(IllegalArgumentException.class, () -> new NoiseScaleEstimator(1.0));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScaleEstimator(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScaleEstimator(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScaleEstimator.State(0.9, -1, 0, 0));
        assertEquals(0, est.steps(), "rejected calls change nothing");
        assertEquals(NoiseScaleEstimator.DEFAULT_EMA_DECAY, est.emaDecay());
        assertTrue(Double.isNaN(NoiseScaleEstimator.effectiveSmallBatch(100, 1)));
    }

    @Test
    void copyAndStateSupportRollback() throws Exception {
        NoiseScaleEstimator est = new NoiseScaleEstimator(0.95);
        est.observe(100, 1.0, 4, 2.0);
        NoiseScaleEstimator snapshot = est.copy();
        NoiseScaleEstimator.State state = est.state();

        NoiseScaleEstimator.Estimate diverging = est.observe(100, 0.2, 4, 3.0);
        assertEquals(state, snapshot.state(), "copy is independent");

        NoiseScaleEstimator.Estimate replay = snapshot.observe(100, 0.2, 4, 3.0);
        assertEquals(diverging, replay, "a restored copy continues identically");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        NoiseScaleEstimator.State read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            read = (NoiseScaleEstimator.State) in.readObject();
        }
        NoiseScaleEstimator restored = NoiseScaleEstimator.fromState(read);
        assertEquals(state, restored.state());
        assertEquals(diverging, restored.observe(100, 0.2, 4, 3.0));
    }
}
