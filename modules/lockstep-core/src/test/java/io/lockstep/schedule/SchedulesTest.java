package io.lockstep.schedule;

import static io.lockstep.schedule.LrScalingTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.lockstep.schedule.ScheduleConfig.Decay;
import io.lockstep.schedule.ScheduleConfig.Warmup;
import org.junit.jupiter.api.Test;

class SchedulesTest {
    private static final double EPS = 1e-12;
    private static final double SQRT3_2 = 0.8660254037844386; // cos(pi/6)

    @Test
    void constantConfigIsThePeak() {
        LrSchedule s = Schedules.create(ScheduleConfig.constant(), 1.6, 0.1, 10);
        assertInstanceOf(ConstantSchedule.class, s);
        assertEquals(1.6, s.lr(0), EPS);
        assertEquals(1.6, s.lr(10), EPS);
        assertEquals("constant(lr=1.6)", s.describe());
    }

    @Test
    void gradualWarmupThenCosine() {
        // eta_ref 0.1, linear scaling at k = 16 -> peak 1.6; T_w = 4, T = 10, min 0
        double peak = LrScaling.LINEAR.scale(0.1, 4096, 256);
        ScheduleConfig cfg = ScheduleConfig.constant().withDecay(Decay.COSINE).withWarmup(Warmup.GRADUAL, 4);
        LrSchedule s = Schedules.create(cfg, peak, 0.1, 10);
        assertEquals(0.1, s.lr(0), EPS);     // Goyal: start at the reference rate
        assertEquals(0.475, s.lr(1), EPS);   // 0.1 + 1.5/4
        assertEquals(0.85, s.lr(2), EPS);
        assertEquals(1.225, s.lr(3), EPS);   // T_w - 1
        assertEquals(1.6, s.lr(4), EPS);     // T_w: peak, start of the cosine
        assertEquals(0.8 * (1 + SQRT3_2), s.lr(5), EPS);
        assertEquals(0.8, s.lr(7), EPS);     // middle of the decay
        assertEquals(0.8 * (1 - SQRT3_2), s.lr(9), EPS); // T - 1: 0.10717967697244912
        assertEquals(0.0, s.lr(10), EPS);    // T
        assertEquals(0.0, s.lr(11), EPS);
        assertEquals("gradual warmup(0.1 -> 1.6 over 4 steps), then cosine(peak=1.6, min=0.0, steps 4..10)",
                s.describe());
        assertFalse(s.describe().contains("\n"));
    }

    @Test
    void explicitWarmupStartOverridesTheReference() {
        ScheduleConfig cfg = ScheduleConfig.constant().withWarmup(Warmup.GRADUAL, 4).withWarmupStartLr(0.0);
        LrSchedule s = Schedules.create(cfg, 2.0, 0.1, 10);
        assertEquals(0.0, s.lr(0), EPS);
        assertEquals(1.0, s.lr(2), EPS);
        assertEquals(2.0, s.lr(4), EPS);
    }

    @Test
    void constantWarmupJumps() {
        ScheduleConfig cfg = ScheduleConfig.constant().withWarmup(Warmup.CONSTANT, 5);
        LrSchedule s = Schedules.create(cfg, 0.8, 0.1, 20);
        assertEquals(0.1, s.lr(0), EPS);
        assertEquals(0.1, s.lr(4), EPS);   // T_w - 1
        assertEquals(0.8, s.lr(5), EPS);   // jump at T_w
        assertEquals(0.8, s.lr(19), EPS);
        assertEquals("constant warmup(0.1 for 5 steps), then constant(lr=0.8)", s.describe());
        LrSchedule low = Schedules.create(cfg.withWarmupStartLr(0.01), 0.8, 0.1, 20);
        assertEquals(0.01, low.lr(4), EPS);
        assertEquals(0.8, low.lr(5), EPS);
    }

    @Test
    void stepDecayCountsFromTheEndOfWarmup() {
        ScheduleConfig cfg = ScheduleConfig.constant().withStepEvery(3).withStepFactor(0.5).withDecay(Decay.STEP)
                .withWarmup(Warmup.GRADUAL, 4);
        LrSchedule s = Schedules.create(cfg, 1.6, 0.1, 20);
        assertEquals(0.1, s.lr(0), EPS);
        assertEquals(1.6, s.lr(4), EPS);
        assertEquals(1.6, s.lr(6), EPS);
        assertEquals(0.8, s.lr(7), EPS);   // t0 + k
        assertEquals(0.4, s.lr(10), EPS);  // t0 + 2k
        assertEquals(0.2, s.lr(13), EPS);
        assertEquals("gradual warmup(0.1 -> 1.6 over 4 steps), then step(peak=1.6, factor=0.5, every=3 steps, "
                + "from step 4)", s.describe());
    }

    @Test
    void stepDecayWithoutWarmupStartsAtZero() {
        ScheduleConfig cfg = ScheduleConfig.constant().withStepEvery(5).withDecay(Decay.STEP);
        LrSchedule s = Schedules.create(cfg, 1.0, 1.0, 20);
        assertEquals(1.0, s.lr(4), EPS);
        assertEquals(0.1, s.lr(5), EPS);
        assertEquals(0.01, s.lr(10), EPS);
    }

    @Test
    void polyPowerTwoAfterWarmup() {
        ScheduleConfig cfg = ScheduleConfig.constant().withDecay(Decay.POLY).withPolyPower(2).withMinLr(0.1)
                .withWarmup(Warmup.GRADUAL, 4);
        LrSchedule s = Schedules.create(cfg, 1.0, 0.1, 10);
        assertEquals(0.1, s.lr(0), EPS);
        assertEquals(1.0, s.lr(4), EPS);
        assertEquals(0.325, s.lr(7), EPS);           // 0.1 + 0.9 * (1/2)^2
        assertEquals(0.1 + 0.9 / 36, s.lr(9), EPS);  // T - 1: 0.125
        assertEquals(0.1, s.lr(10), EPS);
        assertEquals("gradual warmup(0.1 -> 1.0 over 4 steps), then poly(peak=1.0, end=0.1, power=2.0, steps 4..10)",
                s.describe());
    }

    @Test
    void rejectsWarmupNotShorterThanTraining() {
        ScheduleConfig cfg = ScheduleConfig.constant().withDecay(Decay.COSINE).withWarmup(Warmup.GRADUAL, 10);
        assertMessage("warmupSteps (10) must be less than totalSteps (10): no steps would be left after warmup=gradual",
                () -> Schedules.create(cfg, 1.6, 0.1, 10));
        assertMessage("warmupSteps (10) must be less than totalSteps (7): no steps would be left after warmup=gradual",
                () -> Schedules.create(cfg, 1.6, 0.1, 7));
        assertMessage("warmupSteps (10) must be less than totalSteps (5): no steps would be left after warmup=constant",
                () -> Schedules.create(cfg.withWarmup(Warmup.CONSTANT).withDecay(Decay.CONSTANT), 1.6, 0.1, 5));
        assertEquals(0.0, Schedules.create(cfg, 1.6, 0.1, 11).lr(11), EPS); // one decay step is enough
    }

    @Test
    void rejectsBadArguments() {
        ScheduleConfig c = ScheduleConfig.constant();
        assertMessage("peakLr must be finite and > 0 (got 0.0)", () -> Schedules.create(c, 0, 0.1, 10));
        assertMessage("peakLr must be finite and > 0 (got NaN)", () -> Schedules.create(c, Double.NaN, 0.1, 10));
        assertMessage("referenceLr must be finite and > 0 (got -0.1)", () -> Schedules.create(c, 0.1, -0.1, 10));
        assertMessage("totalSteps must be positive (got 0)", () -> Schedules.create(c, 0.1, 0.1, 0));
        assertMessage("minLr (0.5) must not exceed the peak learning rate (0.1) for decay=cosine",
                () -> Schedules.create(c.withDecay(Decay.COSINE).withMinLr(0.5), 0.1, 0.1, 10));
        assertMessage("minLr (0.5) must not exceed the peak learning rate (0.1) for decay=poly",
                () -> Schedules.create(c.withDecay(Decay.POLY).withMinLr(0.5), 0.1, 0.1, 10));
        // minLr is unused by step decay, so it is not checked there
        assertEquals(0.1, Schedules.create(c.withMinLr(0.5), 0.1, 0.1, 10).lr(3), EPS);
    }
}
