package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingAdviceTest {
    private static final StepTimeModel TIME = new StepTimeModel(0.05, 20, 2e-5, 1e-6, 250_000, true, List.of());
    private static final StepsModel STEPS = new StepsModel(400, 1500, "test");
    private static final int[] P = {1, 2, 4, 8};
    private static final int[] B = {4, 256, 1024, 4096, 16384};

    @Test
    void derivedQuantitiesFollowFromStepTimeAndSteps() {
        Prediction p = ScalingAdvice.predict(TIME, STEPS, 4, 1024);
        double t = 0.05 * 256 + 20 + 2e-5 * 250_000 * 4 + 0.25;
        assertEquals(t, p.stepMillis(), 1e-9);
        assertEquals(1024 * 1000 / t, p.examplesPerSecond(), 1e-6);
        assertEquals(STEPS.steps(1024), p.steps(), 1e-9);
        assertEquals(STEPS.steps(1024) * 1024, p.examples(), 1e-6);
        assertEquals(STEPS.steps(1024) * t / 1000, p.wallSeconds(), 1e-9);
        assertEquals(4 * p.wallSeconds(), p.executorSeconds(), 1e-9);
        assertEquals(TIME.predict(1024, 1).totalMillis() / (4 * t), p.efficiency(), 1e-12);
    }

    @Test
    void marksTheFastestAndCheapestPoint() {
        ScalingAdvice a = ScalingAdvice.of(TIME, STEPS, P, B);
        assertTrue(a.toTarget());
        assertSame(a.predictions().stream().min(Comparator.comparingDouble(Prediction::wallSeconds)).orElseThrow(),
                a.fastest());
        assertSame(a.predictions().stream().min(Comparator.comparingDouble(Prediction::executorSeconds)).orElseThrow(),
                a.cheapest());
        assertTrue(a.cheapest().executorSeconds() <= a.fastest().executorSeconds());
        assertTrue(a.fastest().wallSeconds() <= a.cheapest().wallSeconds());
    }

    @Test
    void skipsPointsWithFewerExamplesThanExecutors() {
        ScalingAdvice a = ScalingAdvice.of(TIME, STEPS, P, B);
        assertEquals(P.length * B.length - 1, a.predictions().size(), "B=4 with P=8 is impossible");
        assertTrue(a.predictions().stream().allMatch(p -> p.globalBatch() >= p.workers()));
    }

    @Test
    void efficiencyIsOneOnOneExecutorAndBelowOneWithOverheads() {
        for (Prediction p : ScalingAdvice.of(TIME, STEPS, P, B).predictions()) {
            if (p.workers() == 1) {
                assertEquals(1.0, p.efficiency(), 1e-12);
            } else {
                assertTrue(p.efficiency() < 1.0, "P=" + p.workers() + " B=" + p.globalBatch());
            }
        }
        StepTimeModel computeOnly = new StepTimeModel(0.05, 0, 0, 0, 10, false, List.of());
        assertEquals(1.0, ScalingAdvice.predict(computeOnly, null, 4, 4096).efficiency(), 1e-12);
    }

    @Test
    void largerBatchesNeedFewerStepsButMoreExamples() {
        List<Prediction> p1 = ScalingAdvice.of(TIME, STEPS, new int[] {1}, B).predictions();
        for (int i = 1; i < p1.size(); i++) {
            assertTrue(p1.get(i).steps() < p1.get(i - 1).steps());
            assertTrue(p1.get(i).examples() > p1.get(i - 1).examples());
            assertTrue(p1.get(i).examplesPerSecond() > p1.get(i - 1).examplesPerSecond());
        }
    }

    @Test
    void withoutStepsModelRanksByThroughput() {
        ScalingAdvice a = ScalingAdvice.of(TIME, null, P, B);
        assertFalse(a.toTarget());
        assertFalse(a.fastest().toTarget());
        assertTrue(Double.isNaN(a.fastest().wallSeconds()));
        double best = a.predictions().stream().mapToDouble(Prediction::examplesPerSecond).max().orElseThrow();
        assertEquals(best, a.fastest().examplesPerSecond());
        double cheapest = a.predictions().stream().mapToDouble(Prediction::executorMillisPerExample).min().orElseThrow();
        assertEquals(cheapest, a.cheapest().executorMillisPerExample());
    }

    @Test
    void rejectsEmptyOrNonPositiveGrids() {
        assertThrows(IllegalArgumentException.class, () -> ScalingAdvice.of(TIME, null, new int[0], B));
        assertThrows(IllegalArgumentException.class, () -> ScalingAdvice.of(TIME, null, new int[] {0}, B));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScalingAdvice.of(TIME, null, new int[] {8}, new int[] {4}));
        assertTrue(e.getMessage().contains("B >= executors P"), e.getMessage());
    }
}
