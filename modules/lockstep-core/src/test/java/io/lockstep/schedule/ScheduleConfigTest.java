package io.lockstep.schedule;

import static io.lockstep.schedule.LrScalingTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.schedule.ScheduleConfig.Decay;
import io.lockstep.schedule.ScheduleConfig.Warmup;
import org.junit.jupiter.api.Test;

class ScheduleConfigTest {

    private static final ScheduleConfig GRADUAL_COSINE =
            ScheduleConfig.constant().withDecay(Decay.COSINE).withWarmup(Warmup.GRADUAL, 500);

    @Test
    void constantDefaults() {
        ScheduleConfig c = ScheduleConfig.constant();
        assertEquals(Decay.CONSTANT, c.decay());
        assertEquals(Warmup.NONE, c.warmup());
        assertEquals(0, c.warmupSteps());
        assertNull(c.warmupStartLr());
        assertEquals(0.1, c.stepFactor());
        assertEquals(0, c.stepEvery());
        assertEquals(0.0, c.minLr());
        assertEquals(1.0, c.polyPower());
        assertEquals("constant", c.describe());
    }

    @Test
    void withMethodsChangeOneField() {
        ScheduleConfig c = ScheduleConfig.constant().withStepEvery(1000).withDecay(Decay.STEP).withStepFactor(0.5)
                .withMinLr(1e-4).withPolyPower(2).withWarmup(Warmup.GRADUAL, 200).withWarmupStartLr(0.01);
        assertEquals(new ScheduleConfig(Decay.STEP, Warmup.GRADUAL, 200, 0.01, 0.5, 1000, 1e-4, 2.0), c);
        assertEquals("step(factor=0.5, every=1000) warmup=gradual(200 steps from lr 0.01)", c.describe());
        assertEquals(300, c.withWarmupSteps(300).warmupSteps());
        assertNull(c.withWarmupStartLr(null).warmupStartLr());
        assertEquals("cosine(minLr=1.0E-4) warmup=gradual(200 steps from reference lr)",
                c.withDecay(Decay.COSINE).withWarmupStartLr(null).describe());
        assertEquals("poly(power=2.0, minLr=1.0E-4)", c.withDecay(Decay.POLY).withWarmup(Warmup.NONE).describe());
    }

    @Test
    void warmupSweepKeepsStepsAndNoneClearsThem() {
        ScheduleConfig constantWarmup = GRADUAL_COSINE.withWarmup(Warmup.CONSTANT);
        assertEquals(Warmup.CONSTANT, constantWarmup.warmup());
        assertEquals(500, constantWarmup.warmupSteps());
        ScheduleConfig none = GRADUAL_COSINE.withWarmup(Warmup.NONE);
        assertEquals(Warmup.NONE, none.warmup());
        assertEquals(0, none.warmupSteps());
        assertEquals(GRADUAL_COSINE, none.withWarmup(Warmup.GRADUAL, 500));
    }

    @Test
    void warmupKindAndStepsMustAgree() {
        assertMessage("warmupSteps must be positive when warmup=gradual (got 0)",
                () -> ScheduleConfig.constant().withWarmup(Warmup.GRADUAL));
        assertMessage("warmupSteps must be positive when warmup=constant (got 0)",
                () -> GRADUAL_COSINE.withWarmup(Warmup.CONSTANT, 0));
        assertMessage("warmupSteps must be positive when warmup=gradual (got 0)", () -> GRADUAL_COSINE.withWarmupSteps(0));
        assertMessage("warmupSteps must be 0 when warmup=none (got 5)", () -> ScheduleConfig.constant().withWarmupSteps(5));
        assertMessage("warmupSteps must be >= 0 (got -1)", () -> ScheduleConfig.constant().withWarmupSteps(-1));
        assertMessage("warmupSteps must be >= 0 (got -1)", () -> GRADUAL_COSINE.withWarmupSteps(-1));
    }

    @Test
    void invalidFieldsAreNamedWithTheirValue() {
        ScheduleConfig c = ScheduleConfig.constant();
        assertMessage("warmupStartLr must be finite and >= 0 (got -0.1)", () -> GRADUAL_COSINE.withWarmupStartLr(-0.1));
        assertMessage("warmupStartLr must be finite and >= 0 (got NaN)", () -> c.withWarmupStartLr(Double.NaN));
        assertMessage("stepFactor must be in (0, 1] (got 0.0)", () -> c.withStepFactor(0));
        assertMessage("stepFactor must be in (0, 1] (got 1.5)", () -> c.withStepFactor(1.5));
        assertMessage("stepFactor must be in (0, 1] (got NaN)", () -> c.withStepFactor(Double.NaN));
        assertEquals(1.0, c.withStepFactor(1).stepFactor());
        assertMessage("stepEvery must be positive when decay=step (got 0)", () -> c.withDecay(Decay.STEP));
        assertMessage("stepEvery must be positive when decay=step (got -3)",
                () -> c.withStepEvery(10).withDecay(Decay.STEP).withStepEvery(-3));
        assertMessage("stepEvery must be >= 0 (got -1)", () -> c.withStepEvery(-1));
        assertMessage("minLr must be finite and >= 0 (got -1.0E-4)", () -> c.withMinLr(-1e-4));
        assertMessage("minLr must be finite and >= 0 (got Infinity)", () -> c.withMinLr(Double.POSITIVE_INFINITY));
        assertMessage("polyPower must be finite and > 0 (got 0.0)", () -> c.withPolyPower(0));
        assertMessage("polyPower must be finite and > 0 (got -2.0)", () -> c.withPolyPower(-2));
        assertMessage("polyPower must be finite and > 0 (got NaN)", () -> c.withPolyPower(Double.NaN));
        assertEquals("decay must not be null",
                assertThrows(NullPointerException.class, () -> c.withDecay(null)).getMessage());
        assertEquals("warmup must not be null",
                assertThrows(NullPointerException.class, () -> c.withWarmup(null, 0)).getMessage());
    }

    @Test
    void parse() {
        assertEquals(Decay.COSINE, Decay.parse("COSINE"));
        assertEquals(Decay.POLY, Decay.parse(" poly "));
        assertEquals(Warmup.GRADUAL, Warmup.parse("gradual"));
        assertEquals(Warmup.CONSTANT, Warmup.parse("Constant"));
        for (Decay d : Decay.values()) {
            assertEquals(d, Decay.parse(d.cliName()));
        }
        for (Warmup w : Warmup.values()) {
            assertEquals(w, Warmup.parse(w.toString()));
        }
        assertMessage("unknown decay 'linear' (valid values: constant, step, cosine, poly)", () -> Decay.parse("linear"));
        assertMessage("unknown decay 'null' (valid values: constant, step, cosine, poly)", () -> Decay.parse(null));
        assertMessage("unknown warmup 'ramp' (valid values: none, gradual, constant)", () -> Warmup.parse("ramp"));
    }
}
