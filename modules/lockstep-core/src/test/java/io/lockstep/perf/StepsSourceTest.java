package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StepsSourceTest {
    private static final Synthetic TIME = new Synthetic(0.05, 20, 0, 1e-6, 1000);
    private static final StepsModel TRUE = new StepsModel(400, 1500, "true");

    private static MeasuredRun reached(int b) {
        return TIME.run(b, 2).withStepsToTarget(Math.round(TRUE.steps(b)));
    }

    private static StepsSource.Choice resolve(List<MeasuredRun> runs, OptionalLong target, OptionalDouble sMin,
                                              OptionalDouble bCrit) {
        return StepsSource.resolve(runs, target, sMin, bCrit);
    }

    @Test
    void curveThroughOneMeasurementRecoversSMin() {
        StepsModel m = StepsModel.throughMeasurement(512, TRUE.steps(512), 1500, "x");
        assertEquals(400, m.sMin(), 1e-9);
        assertEquals(TRUE.steps(64), m.steps(64), 1e-9);
    }

    @Test
    void stepsFallWithBatchAndExamplesGrow() {
        double prevSteps = Double.MAX_VALUE;
        double prevExamples = 0;
        for (int b = 16; b <= 1 << 16; b *= 2) {
            assertTrue(TRUE.steps(b) < prevSteps);
            assertTrue(TRUE.steps(b) * b > prevExamples);
            prevSteps = TRUE.steps(b);
            prevExamples = TRUE.steps(b) * b;
        }
        assertEquals(2 * TRUE.sMin(), TRUE.steps(TRUE.bCrit()), 1e-9);
    }

    @Test
    void givenSMinAndBCritWin() {
        StepsSource.Choice c = resolve(List.of(reached(256)), OptionalLong.empty(), OptionalDouble.of(10),
                OptionalDouble.of(99));
        assertEquals(10, c.model().sMin());
        assertEquals(99, c.model().bCrit());
    }

    @Test
    void severalReachedBatchesAreFitted() {
        StepsSource.Choice c = resolve(List.of(reached(256), reached(1024), reached(4096)), OptionalLong.empty(),
                OptionalDouble.empty(), OptionalDouble.empty());
        assertEquals(400, c.model().sMin(), 2);
        assertEquals(1500, c.model().bCrit(), 15);
        assertTrue(c.explanation().contains("fitted to 3 runs"), c.explanation());
    }

    @Test
    void oneReachedRunUsesItsBSimpleAsBCrit() {
        MeasuredRun run = reached(1024);
        StepsSource.Choice c = resolve(List.of(run), OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty());
        assertNotNull(c.model());
        assertEquals(run.bSimple(), c.model().bCrit(), 1e-9);
        assertEquals(run.stepsToTarget().getAsLong(), c.model().steps(1024), 1e-9);
        assertTrue(c.explanation().contains("B_simple"), c.explanation());
    }

    @Test
    void targetStepsOptionAppliesToTheFirstRunWithGivenBCrit() {
        StepsSource.Choice c = resolve(List.of(TIME.run(512, 1), TIME.run(512, 2)), OptionalLong.of(900),
                OptionalDouble.empty(), OptionalDouble.of(512));
        assertEquals(450, c.model().sMin(), 1e-9);
    }

    @Test
    void withoutTargetTheRunsBSimpleIsTheNoiseScale() {
        MeasuredRun run = TIME.run(512, 2);
        StepsSource.Choice c = resolve(List.of(Synthetic.withoutNoise(TIME.run(512, 1)), run), OptionalLong.empty(),
                OptionalDouble.empty(), OptionalDouble.empty());
        assertNull(c.model());
        assertNotNull(c.noise());
        // Synthetic b_simple is 100 + step: the last 20% of 300 steps are 240..299, mean 369.5
        assertEquals(369.5, c.noise().bNoise(), 1e-9);
        assertTrue(c.explanation().contains("B_noise = 370"), c.explanation());
        assertTrue(c.noise().source().contains("the B_simple of " + run.name() + " (mean of its 60 values over"
                + " steps 240-299, range 340-399)"), c.noise().source());
    }

    @Test
    void withoutTargetAGivenBCritIsTheNoiseScale() {
        StepsSource.Choice c = resolve(List.of(TIME.run(512, 2)), OptionalLong.empty(), OptionalDouble.empty(),
                OptionalDouble.of(2500));
        assertNull(c.model());
        assertEquals(2500, c.noise().bNoise());
        assertTrue(c.explanation().contains("B_crit given"), c.explanation());
    }

    @Test
    void withoutTargetOrWithoutBCritThereIsNoStepsModel() {
        MeasuredRun noNoise = Synthetic.withoutNoise(TIME.run(512, 1));
        StepsSource.Choice none = resolve(List.of(noNoise), OptionalLong.empty(), OptionalDouble.empty(),
                OptionalDouble.empty());
        assertNull(none.model());
        assertNull(none.noise());
        assertTrue(none.explanation().contains("step time and throughput only"), none.explanation());
        assertTrue(none.explanation().contains("no run recorded b_simple"), none.explanation());
        assertTrue(none.explanation().contains("B_simple is not used"), none.explanation());
        StepsSource.Choice noBCrit = resolve(List.of(noNoise.withStepsToTarget(300)), OptionalLong.empty(),
                OptionalDouble.empty(), OptionalDouble.empty());
        assertNull(noBCrit.model());
        assertTrue(noBCrit.explanation().contains("B_crit is unknown"), noBCrit.explanation());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> resolve(List.of(TIME.run(512, 1)), OptionalLong.empty(),
                OptionalDouble.of(10), OptionalDouble.empty()));
        assertThrows(IllegalArgumentException.class, () -> new StepsModel(0, 10, "x"));
        assertThrows(IllegalArgumentException.class, () -> new StepsModel(10, -1, "x"));
        assertThrows(IllegalArgumentException.class, () -> StepsModel.throughMeasurement(64, 0, 10, "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StepsModel.fit(new double[] {64, 128, 256}, new double[] {100, 200, 400}));
        assertTrue(e.getMessage().contains("<= 0") || e.getMessage().contains("≤ 0"), e.getMessage());
    }
}
