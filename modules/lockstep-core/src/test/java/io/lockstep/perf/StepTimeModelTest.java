package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StepTimeModelTest {
    private static final Synthetic TRUE = new Synthetic(0.05, 20, 2e-5, 1e-6, 250_000);

    private static StepTimeModel fit(MeasuredRun... runs) {
        return StepTimeModel.fit(List.of(runs).stream().map(RunSummary::of).toList());
    }

    @Test
    void recoversAllTermsFromRunsWithDifferentWorkerCounts() {
        StepTimeModel m = fit(TRUE.run(1024, 1), TRUE.run(1024, 2), TRUE.run(256, 4));
        assertEquals(List.of(1, 2, 4), List.copyOf(m.computeMillisPerExample().keySet()));
        for (int p : new int[] {1, 2, 3, 4, 16}) {
            assertEquals(TRUE.c(), m.computeMillisPerExample(p), 1e-9);
        }
        assertEquals(TRUE.o(), m.fixedMillis(), 1e-6);
        assertEquals(TRUE.k(), m.commMillisPerParamWorker(), 1e-12);
        assertEquals(TRUE.u(), m.updateMillisPerParam(), 1e-12);
        assertTrue(m.commFitted());
        assertEquals(250_000, m.params());
    }

    @Test
    void predictsTheTrueStepTimeEverywhere() {
        StepTimeModel m = fit(TRUE.run(1024, 1), TRUE.run(1024, 2));
        for (int p : new int[] {1, 2, 3, 8}) {
            for (int b : new int[] {8, 100, 4096}) {
                double expected = TRUE.c() * Math.ceil((double) b / p) + TRUE.o() + TRUE.k() * TRUE.params() * p
                        + TRUE.u() * TRUE.params();
                assertEquals(expected, m.predict(b, p).totalMillis(), 1e-6 * expected, "B=" + b + " P=" + p);
            }
        }
    }

    @Test
    void runsOfDifferentStepTransportsAreNotFittedTogether() {
        MeasuredRun job = TRUE.run(1024, 1);
        MeasuredRun b = TRUE.run(1024, 2);
        MeasuredRun channel = new MeasuredRun("ch-p2", b.globalBatch(), b.workers(), b.params(), b.master(), b.steps(),
                b.stepsToTarget(), MeasuredRun.CHANNEL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit(job, channel));
        assertEquals("runs use different step transports (channel: ch-p2; job: b1024-p1); their fixed and per-executor"
                + " costs differ, so fit one transport at a time", e.getMessage());
        assertEquals(TRUE.o(), fit(channel).fixedMillis() - TRUE.k() * TRUE.params() * 2, 1e-6,
                "one transport alone fits");
    }

    @Test
    void fitsAPerTaskConstantWhereAWorkerCountHasTwoTaskSizes() {
        Synthetic withA = new Synthetic(0.05, 20, 2e-5, 1e-6, 250_000, 4.0);
        StepTimeModel m = fit(withA.run(256, 1), withA.run(4096, 1), withA.run(256, 2), withA.run(4096, 2));
        for (int p : new int[] {1, 2}) {
            assertEquals(4.0, m.computeMillisPerTask(p), 1e-9);
            assertEquals(0.05, m.computeMillisPerExample(p), 1e-12);
        }
        for (int b : new int[] {512, 1024, 16384}) { // held-out B: exact, where a ratio c would miss by a/⌈B/P⌉
            double expected = 4.0 + 0.05 * b + 20 + 2e-5 * 250_000 + 1e-6 * 250_000;
            assertEquals(expected, m.predict(b, 1).totalMillis(), 1e-6 * expected, "B=" + b);
        }
        assertTrue(m.notes().get(0).contains("a=4.00 ms"), m.notes().get(0));
    }

    @Test
    void keepsTheRatioWhenTheLineWouldHaveANegativeIntercept() {
        Synthetic withA = new Synthetic(0.05, 20, 0, 0, 1000, 0);
        MeasuredRun small = withA.run(256, 1);
        Synthetic slower = new Synthetic(0.08, 20, 0, 0, 1000, 0); // per example dearer at the larger B
        StepTimeModel m = fit(small, slower.run(4096, 1));
        assertEquals(0.0, m.computeMillisPerTask(1));
        assertEquals((0.05 * 256 + 0.08 * 4096) / (256 + 4096), m.computeMillisPerExample(1), 1e-9);
    }

    @Test
    void oneTaskSizePerWorkerCountFitsNoConstant() {
        StepTimeModel m = fit(TRUE.run(1024, 1), TRUE.run(1024, 2));
        assertTrue(m.computeMillisPerTask().isEmpty());
        assertEquals(0.0, m.computeMillisPerTask(4));
    }

    @Test
    void recoversTermsWithinAFewPercentUnderNoise() {
        Random rng = new Random(7);
        StepTimeModel m = fit(TRUE.run(1024, 1, 0.1, rng), TRUE.run(1024, 2, 0.1, rng), TRUE.run(2048, 4, 0.1, rng));
        assertEquals(TRUE.c(), m.computeMillisPerExample(2), 0.05 * TRUE.c());
        assertEquals(TRUE.k(), m.commMillisPerParamWorker(), 0.15 * TRUE.k());
        assertEquals(TRUE.o(), m.fixedMillis(), 0.15 * TRUE.o());
    }

    @Test
    void reproducesTheFittedRunsStepTimeAtAnyQuantile() {
        Random rng = new Random(3);
        MeasuredRun a = TRUE.run(1024, 1, 0.3, rng);
        MeasuredRun b = TRUE.run(1024, 2, 0.3, rng);
        for (double q : new double[] {0.1, 0.5, 0.9}) {
            RunSummary sa = RunSummary.of(a, q);
            RunSummary sb = RunSummary.of(b, q);
            StepTimeModel one = StepTimeModel.fit(List.of(sa));
            assertEquals(sa.stepMillis(), one.predict(1024, 1).totalMillis(), 1e-9, "one run, q=" + q);
            StepTimeModel two = StepTimeModel.fit(List.of(sa, sb));
            assertEquals(sa.stepMillis(), two.predict(1024, 1).totalMillis(), 1e-9, "two runs, q=" + q);
            assertEquals(sb.stepMillis(), two.predict(1024, 2).totalMillis(), 1e-9, "two runs, q=" + q);
        }
    }

    @Test
    void singleWorkerCountAttributesTheRestToFixedOverhead() {
        StepTimeModel m = fit(TRUE.run(1024, 2), TRUE.run(4096, 2));
        assertFalse(m.commFitted());
        assertEquals(0, m.commMillisPerParamWorker());
        assertEquals(TRUE.o() + TRUE.k() * TRUE.params() * 2, m.fixedMillis(), 1e-6);
        assertEquals(TRUE.c(), m.computeMillisPerExample(1), 1e-9);
        assertEquals(TRUE.c(), m.computeMillisPerExample(8), 1e-9);
        assertTrue(m.notes().stream().anyMatch(n -> n.contains("assumed fixed")), m.notes().toString());
    }

    @Test
    void computePerExampleIsKeptPerMeasuredWorkerCount() {
        Synthetic contended = new Synthetic(1.5 * TRUE.c(), TRUE.o(), TRUE.k(), TRUE.u(), TRUE.params());
        StepTimeModel m = fit(TRUE.run(1024, 1), contended.run(1024, 2), TRUE.run(4096, 1));
        assertEquals(TRUE.c(), m.computeMillisPerExample(1), 1e-9);
        assertEquals(1.5 * TRUE.c(), m.computeMillisPerExample(2), 1e-9);
        assertEquals(1.5 * TRUE.c(), m.computeMillisPerExample(8), 1e-9, "beyond the largest measured P");
        double expected = 1.5 * TRUE.c() * 2048 + TRUE.o() + TRUE.k() * TRUE.params() * 2 + TRUE.u() * TRUE.params();
        assertEquals(expected, m.predict(4096, 2).totalMillis(), 1e-6 * expected);
    }

    @Test
    void unmeasuredWorkerCountsTakeTheNearestMeasuredOne() {
        StepTimeModel m = new StepTimeModel(new java.util.TreeMap<>(java.util.Map.of(1, 1.0, 3, 3.0, 8, 8.0)), 0, 0, 0,
                10, true, List.of());
        assertEquals(1.0, m.computeMillisPerExample(1));
        assertEquals(3.0, m.computeMillisPerExample(2), "tie between 1 and 3: the larger");
        assertEquals(3.0, m.computeMillisPerExample(5));
        assertEquals(8.0, m.computeMillisPerExample(6));
        assertEquals(8.0, m.computeMillisPerExample(64));
    }

    @Test
    void restThatShrinksWithWorkersGivesNoNegativeCommunication() {
        Synthetic a = new Synthetic(0.05, 30, 0, 1e-6, 1000);
        Synthetic b = new Synthetic(0.05, 20, 0, 1e-6, 1000);
        StepTimeModel m = fit(a.run(512, 1), b.run(512, 2));
        assertEquals(0, m.commMillisPerParamWorker());
        assertEquals(25, m.fixedMillis(), 1e-6);
    }

    @Test
    void stepTimeIsMonotoneWhereItMustBe() {
        StepTimeModel m = fit(TRUE.run(1024, 1), TRUE.run(1024, 2));
        for (int p = 1; p <= 8; p++) {
            double previous = 0;
            for (int b = p; b <= 1 << 14; b *= 2) {
                double t = m.predict(b, p).totalMillis();
                assertTrue(t > previous, "T grows with B at P=" + p);
                previous = t;
            }
        }
        for (int p = 1; p < 8; p++) {
            StepTimeModel.StepTime a = m.predict(4096, p);
            StepTimeModel.StepTime b = m.predict(4096, p + 1);
            assertTrue(b.computeMillis() < a.computeMillis(), "compute falls with P");
            assertTrue(b.commMillis() > a.commMillis(), "communication grows with P");
        }
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> StepTimeModel.fit(List.of()));
        Synthetic other = new Synthetic(0.05, 20, 2e-5, 1e-6, 1000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit(TRUE.run(1024, 1), other.run(1024, 2)));
        assertTrue(e.getMessage().contains("different sizes"), e.getMessage());
        StepTimeModel m = fit(TRUE.run(1024, 1));
        e = assertThrows(IllegalArgumentException.class, () -> m.predict(2, 4));
        assertTrue(e.getMessage().contains("B=2, P=4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.predict(8, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new StepTimeModel(-1, 0, 0, 0, 10, false, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new StepTimeModel(1, Double.NaN, 0, 0, 10, false, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new StepTimeModel(new java.util.TreeMap<>(), 0, 0, 0, 10, false, List.of()));
    }
}
