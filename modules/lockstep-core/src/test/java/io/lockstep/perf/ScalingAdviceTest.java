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

    /** The true step time of TIME, written out. */
    private static double t(int b, int p) {
        return 0.05 * Math.ceil((double) b / p) + 20 + 2e-5 * 250_000 * p + 1e-6 * 250_000;
    }

    @Test
    void withNoiseScaleRanksByTimeToAFixedTargetUpToSMin() {
        double bNoise = 1000;
        ScalingAdvice a = ScalingAdvice.of(TIME, null, new NoiseScale(bNoise, "test"), P, B);
        assertFalse(a.toTarget());
        Prediction p41 = a.predictions().stream().filter(p -> p.workers() == 4 && p.globalBatch() == 1024)
                .findFirst().orElseThrow();
        assertEquals(t(1024, 4) * (1 + bNoise / 1024), a.wallMillisPerSMin(p41), 1e-9);
        assertEquals(4 * t(1024, 4) * (1 + bNoise / 1024), a.executorMillisPerSMin(p41), 1e-9);
        int[] fastest = null;
        int[] cheapest = null;
        double bestWall = Double.MAX_VALUE;
        double bestCost = Double.MAX_VALUE;
        for (int p : P) {
            for (int b : B) {
                double wall = b >= p ? t(b, p) * (1 + bNoise / b) : Double.MAX_VALUE;
                if (wall < bestWall) {
                    bestWall = wall;
                    fastest = new int[] {p, b};
                }
                if (b >= p && p * wall < bestCost) {
                    bestCost = p * wall;
                    cheapest = new int[] {p, b};
                }
            }
        }
        assertEquals(fastest[0], a.fastest().workers());
        assertEquals(fastest[1], a.fastest().globalBatch());
        assertEquals(cheapest[0], a.cheapest().workers());
        assertEquals(cheapest[1], a.cheapest().globalBatch());
        assertEquals(16384, ScalingAdvice.of(TIME, null, P, B).fastest().globalBatch(),
                "ranked by throughput, the same grid favours the largest batch");
        assertTrue(a.fastest().globalBatch() < 16384);
    }

    @Test
    void noiseScaleOptimumIsTheGoodputOptimum() {
        double bNoise = 1000;
        int[] fine = new int[256];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = 64 * (i + 1);
        }
        ScalingAdvice a = ScalingAdvice.of(TIME, null, new NoiseScale(bNoise, "test"), new int[] {4}, fine);
        // T = t0 + (c/P)*B: T*(1 + B_noise/B) is least at B = sqrt(t0*P*B_noise/c)
        double t0 = 20 + 2e-5 * 250_000 * 4 + 1e-6 * 250_000;
        double optimum = Math.sqrt(t0 * 4 * bNoise / 0.05);
        assertEquals(optimum, a.fastest().globalBatch(), 64);
    }

    @Test
    void aStepsModelOutranksTheNoiseScale() {
        ScalingAdvice a = ScalingAdvice.of(TIME, STEPS, new NoiseScale(10, "ignored"), P, B);
        assertTrue(a.toTarget());
        assertEquals(null, a.noise());
        assertEquals(ScalingAdvice.of(TIME, STEPS, P, B).fastest(), a.fastest());
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
