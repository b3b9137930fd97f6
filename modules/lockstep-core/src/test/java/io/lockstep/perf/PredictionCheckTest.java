package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionCheckTest {
    private static final Synthetic TRUTH = new Synthetic(0.05, 20, 0, 0, 1000);

    @Test
    void relativeErrorIsSignedAgainstTheMeasuredStepTime() {
        RunSummary measured = RunSummary.of(TRUTH.run(1000, 1));
        double t = measured.stepMillis();
        StepTimeModel over = new StepTimeModel(0.05, 20 + 0.1 * t, 0, 0, 1000, false, List.of());
        StepTimeModel under = new StepTimeModel(0.05, 20 - 0.2 * t, 0, 0, 1000, false, List.of());
        List<PredictionCheck> checks = List.of(PredictionCheck.against(over, null, List.of(), List.of(measured)).get(0),
                PredictionCheck.against(under, null, List.of(), List.of(measured)).get(0));
        assertEquals(0.1, checks.get(0).relativeError(), 1e-9);
        assertEquals(-0.2, checks.get(1).relativeError(), 1e-9);
        assertEquals(0.15, PredictionCheck.meanAbsoluteError(checks), 1e-9);
        assertEquals(2, PredictionCheck.heldOut(checks));
    }

    @Test
    void fittedRunsAreMarkedAndLeftOutOfTheMeanError() {
        RunSummary fitRun = RunSummary.of(TRUTH.run(1000, 1));
        RunSummary other = RunSummary.of(TRUTH.run(4000, 1));
        StepTimeModel m = new StepTimeModel(0.05, 20 + 10, 0, 0, 1000, false, List.of());
        List<PredictionCheck> checks = PredictionCheck.against(m, null, List.of(fitRun), List.of(fitRun, other));
        assertTrue(checks.get(0).fitted());
        assertFalse(checks.get(1).fitted());
        assertEquals(10 / other.stepMillis(), PredictionCheck.meanAbsoluteError(checks), 1e-9);
        assertEquals(1, PredictionCheck.heldOut(checks));
        assertTrue(Double.isNaN(PredictionCheck.meanAbsoluteError(checks.subList(0, 1))));
    }

    @Test
    void stepsToTargetAreComparedWhenBothAreKnown() {
        StepsModel steps = new StepsModel(200, 500, "test");
        RunSummary reached = RunSummary.of(TRUTH.run(500, 1).withStepsToTarget(440));
        RunSummary notReached = RunSummary.of(TRUTH.run(500, 1));
        StepTimeModel m = new StepTimeModel(0.05, 20, 0, 0, 1000, false, List.of());
        List<PredictionCheck> checks = PredictionCheck.against(m, steps, List.of(), List.of(reached, notReached));
        assertEquals(400, checks.get(0).predictedSteps(), 1e-9);
        assertEquals(440, checks.get(0).measuredSteps());
        assertEquals(-40.0 / 440, checks.get(0).stepsError(), 1e-12);
        assertTrue(Double.isNaN(checks.get(1).stepsError()));
        assertTrue(Double.isNaN(PredictionCheck.against(m, null, List.of(), List.of(reached)).get(0).stepsError()));
    }

    @Test
    void rejectsRunsOfAnotherModel() {
        StepTimeModel m = new StepTimeModel(0.05, 20, 0, 0, 999, false, List.of());
        RunSummary r = RunSummary.of(TRUTH.run(100, 1));
        assertThrows(IllegalArgumentException.class, () -> PredictionCheck.against(m, null, List.of(), List.of(r)));
    }
}
