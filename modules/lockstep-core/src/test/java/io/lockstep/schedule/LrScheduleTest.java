package io.lockstep.schedule;

import static io.lockstep.schedule.LrScalingTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Each schedule at its boundary steps, against hand-computed values. */
class LrScheduleTest {
    private static final double EPS = 1e-12;
    private static final double SQRT3_2 = 0.8660254037844386; // sqrt(3)/2 = cos(pi/6)
    private static final double SQRT2_2 = 0.7071067811865476; // sqrt(2)/2 = cos(pi/4)

    @Test
    void constant() {
        LrSchedule s = new ConstantSchedule(0.05);
        assertEquals(0.05, s.lr(0), EPS);
        assertEquals(0.05, s.lr(1), EPS);
        assertEquals(0.05, s.lr(1_000_000_000_000L), EPS);
        assertEquals("constant(lr=0.05)", s.describe());
        assertEquals(0.0, new ConstantSchedule(0).lr(3), EPS);
        assertMessage("value must be finite and >= 0 (got -0.1)", () -> new ConstantSchedule(-0.1));
        assertMessage("value must be finite and >= 0 (got NaN)", () -> new ConstantSchedule(Double.NaN));
    }

    @Test
    void negativeStepIsRejectedEverywhere() {
        LrSchedule c = new ConstantSchedule(1);
        LrSchedule[] all = {c, new GradualWarmup(2, 0, c), new ConstantWarmup(2, 0, c), new StepDecay(1, 0.5, 2, 0),
                new CosineDecay(1, 0, 0, 4), new PolynomialDecay(1, 0, 2, 0, 4)};
        for (LrSchedule s : all) {
            assertMessage("step must be >= 0 (got -1)", () -> s.lr(-1));
        }
    }

    @Test
    void gradualWarmupRampsFromStartToTheWrappedScheduleAtTw() {
        LrSchedule s = new GradualWarmup(10, 0.0, new ConstantSchedule(2.0));
        assertEquals(0.0, s.lr(0), EPS);
        assertEquals(0.2, s.lr(1), EPS);
        assertEquals(1.0, s.lr(5), EPS);
        assertEquals(1.8, s.lr(9), EPS);   // T_w - 1
        assertEquals(2.0, s.lr(10), EPS);  // T_w: the wrapped schedule
        assertEquals(2.0, s.lr(11), EPS);
        assertEquals(2.0, ((GradualWarmup) s).peakLr(), EPS);
        assertEquals("gradual warmup(0.0 -> 2.0 over 10 steps), then constant(lr=2.0)", s.describe());
    }

    @Test
    void gradualWarmupCanRampDown() {
        // sqrt/linear scaling with B < B_ref gives a peak below eta_ref
        LrSchedule s = new GradualWarmup(4, 1.0, new ConstantSchedule(0.2));
        assertEquals(1.0, s.lr(0), EPS);
        assertEquals(0.6, s.lr(2), EPS);
        assertEquals(0.2, s.lr(4), EPS);
    }

    @Test
    void gradualWarmupDelegatesAtTheAbsoluteStep() {
        LrSchedule s = new GradualWarmup(3, 0.1, new StepDecay(1.6, 0.5, 2, 3));
        assertEquals(0.1, s.lr(0), EPS);
        assertEquals(0.6, s.lr(1), EPS);
        assertEquals(1.1, s.lr(2), EPS);
        assertEquals(1.6, s.lr(3), EPS);
        assertEquals(1.6, s.lr(4), EPS);
        assertEquals(0.8, s.lr(5), EPS);
    }

    @Test
    void constantWarmupHoldsThenJumps() {
        LrSchedule s = new ConstantWarmup(5, 0.1, new ConstantSchedule(3.2));
        assertEquals(0.1, s.lr(0), EPS);
        assertEquals(0.1, s.lr(4), EPS);
        assertEquals(3.2, s.lr(5), EPS);
        assertEquals(3.2, s.lr(100), EPS);
        assertEquals("constant warmup(0.1 for 5 steps), then constant(lr=3.2)", s.describe());
    }

    @Test
    void warmupValidation() {
        LrSchedule c = new ConstantSchedule(1);
        assertMessage("warmupSteps must be positive (got 0)", () -> new GradualWarmup(0, 0.1, c));
        assertMessage("warmupSteps must be positive (got -2)", () -> new ConstantWarmup(-2, 0.1, c));
        assertMessage("startLr must be finite and >= 0 (got -1.0)", () -> new GradualWarmup(3, -1, c));
        assertMessage("lowLr must be finite and >= 0 (got Infinity)",
                () -> new ConstantWarmup(3, Double.POSITIVE_INFINITY, c));
        NullPointerException e = assertThrows(NullPointerException.class, () -> new GradualWarmup(3, 0.1, null));
        assertEquals("after must not be null", e.getMessage());
    }

    @Test
    void stepDecayAtMultiplesOfK() {
        LrSchedule s = new StepDecay(1.6, 0.5, 100, 50);
        assertEquals(1.6, s.lr(0), EPS);     // before t0
        assertEquals(1.6, s.lr(49), EPS);
        assertEquals(1.6, s.lr(50), EPS);    // t0
        assertEquals(1.6, s.lr(149), EPS);   // t0 + k - 1
        assertEquals(0.8, s.lr(150), EPS);   // t0 + k
        assertEquals(0.8, s.lr(249), EPS);
        assertEquals(0.4, s.lr(250), EPS);   // t0 + 2k
        assertEquals(0.2, s.lr(350), EPS);
        assertEquals(0.0015625, s.lr(1050), EPS); // 1.6 * 2^-10
        assertEquals("step(peak=1.6, factor=0.5, every=100 steps, from step 50)", s.describe());
    }

    @Test
    void stepDecayGoyalTenfold() {
        LrSchedule s = new StepDecay(1.0, 0.1, 30, 0);
        assertEquals(1.0, s.lr(29), EPS);
        assertEquals(0.1, s.lr(30), EPS);
        assertEquals(0.01, s.lr(60), EPS);
        assertEquals(0.001, s.lr(90), EPS);
        assertEquals(1.0, new StepDecay(1.0, 1.0, 1, 0).lr(1000), EPS); // gamma = 1: constant
    }

    @Test
    void stepDecayValidation() {
        assertMessage("factor must be in (0, 1] (got 0.0)", () -> new StepDecay(1, 0, 10, 0));
        assertMessage("factor must be in (0, 1] (got 1.5)", () -> new StepDecay(1, 1.5, 10, 0));
        assertMessage("factor must be in (0, 1] (got NaN)", () -> new StepDecay(1, Double.NaN, 10, 0));
        assertMessage("every must be positive (got 0)", () -> new StepDecay(1, 0.1, 0, 0));
        assertMessage("start must be >= 0 (got -1)", () -> new StepDecay(1, 0.1, 10, -1));
        assertMessage("peakLr must be finite and >= 0 (got -1.0)", () -> new StepDecay(-1, 0.1, 10, 0));
    }

    @Test
    void cosineBoundaries() {
        // peak 1.0, min 0.1, window [4, 10]: 6 steps
        LrSchedule s = new CosineDecay(1.0, 0.1, 4, 10);
        assertEquals(1.0, s.lr(0), EPS);                        // clamped to t0
        assertEquals(1.0, s.lr(3), EPS);
        assertEquals(1.0, s.lr(4), EPS);                        // t0
        assertEquals(0.1 + 0.45 * (1 + SQRT3_2), s.lr(5), EPS); // pi/6
        assertEquals(0.55, s.lr(7), EPS);                       // middle: (peak + min) / 2
        assertEquals(0.1 + 0.45 * (1 - SQRT3_2), s.lr(9), EPS); // T - 1: 5pi/6
        assertEquals(0.1, s.lr(10), EPS);                       // T
        assertEquals(0.1, s.lr(1000), EPS);                     // clamped
        assertEquals("cosine(peak=1.0, min=0.1, steps 4..10)", s.describe());
    }

    @Test
    void cosineQuarterPoints() {
        LrSchedule s = new CosineDecay(2.0, 0.0, 0, 8);
        assertEquals(1.0 + SQRT2_2, s.lr(2), EPS); // 1.7071067811865475
        assertEquals(1.0, s.lr(4), EPS);
        assertEquals(1.0 - SQRT2_2, s.lr(6), EPS); // 0.2928932188134524
    }

    @Test
    void polynomialPowerTwo() {
        LrSchedule s = new PolynomialDecay(1.0, 0.1, 2.0, 0, 10);
        assertEquals(1.0, s.lr(0), EPS);
        assertEquals(0.829, s.lr(1), EPS);   // 0.1 + 0.9 * 0.81
        assertEquals(0.325, s.lr(5), EPS);   // 0.1 + 0.9 * 0.25
        assertEquals(0.109, s.lr(9), EPS);   // 0.1 + 0.9 * 0.01
        assertEquals(0.1, s.lr(10), EPS);
        assertEquals(0.1, s.lr(11), EPS);
        assertEquals("poly(peak=1.0, end=0.1, power=2.0, steps 0..10)", s.describe());
    }

    @Test
    void polynomialWithStartAndPowerOneIsLinear() {
        LrSchedule s = new PolynomialDecay(2.0, 0.0, 1.0, 4, 8);
        assertEquals(2.0, s.lr(2), EPS);
        assertEquals(2.0, s.lr(4), EPS);
        assertEquals(1.5, s.lr(5), EPS);
        assertEquals(1.0, s.lr(6), EPS);
        assertEquals(0.5, s.lr(7), EPS);
        assertEquals(0.0, s.lr(8), EPS);
    }

    @Test
    void decayValidation() {
        assertMessage("minLr (0.5) must not exceed peakLr (0.1)", () -> new CosineDecay(0.1, 0.5, 0, 10));
        assertMessage("endLr (0.5) must not exceed peakLr (0.1)", () -> new PolynomialDecay(0.1, 0.5, 1, 0, 10));
        assertMessage("end (10) must be greater than start (10)", () -> new CosineDecay(1, 0, 10, 10));
        assertMessage("end (3) must be greater than start (10)", () -> new PolynomialDecay(1, 0, 1, 10, 3));
        assertMessage("start must be >= 0 (got -1)", () -> new CosineDecay(1, 0, -1, 10));
        assertMessage("power must be finite and > 0 (got 0.0)", () -> new PolynomialDecay(1, 0, 0, 0, 10));
        assertMessage("minLr must be finite and >= 0 (got -0.1)", () -> new CosineDecay(1, -0.1, 0, 10));
    }

    @Test
    void schedulesArePureFunctionsOfTheStep() {
        LrSchedule s = new GradualWarmup(4, 0.1, new CosineDecay(1.6, 0, 4, 10));
        double[] forward = new double[12];
        for (int t = 0; t < 12; t++) {
            forward[t] = s.lr(t);
        }
        for (int t = 11; t >= 0; t--) {
            assertEquals(forward[t], s.lr(t), 0.0, "step " + t);
        }
    }
}
