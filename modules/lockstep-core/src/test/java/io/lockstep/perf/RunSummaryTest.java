package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.metrics.StepTimings;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    @Test
    void warmupIsTheLargerOfFiftyStepsAndTenPercentButAtMostHalf() {
        assertEquals(50, RunSummary.warmupSteps(300));
        assertEquals(100, RunSummary.warmupSteps(1000));
        assertEquals(50, RunSummary.warmupSteps(100));
        assertEquals(30, RunSummary.warmupSteps(60));
        assertEquals(0, RunSummary.warmupSteps(1));
    }

    @Test
    void mediansSkipTheWarmupAndIgnoreOutliers() {
        Synthetic s = new Synthetic(0.1, 10, 0, 0, 100);
        RunSummary r = RunSummary.of(s.run(100, 1));
        assertEquals(50, r.skipped());
        assertEquals(250, r.used());
        assertEquals(10.0, r.computeMillis(), 1e-9);
        assertEquals(20.0, r.stepMillis(), 1e-9);
        assertEquals(10.0, r.restMillis(), 1e-9);
    }

    @Test
    void lowQuantileIgnoresStepsSlowedByOtherLoad() {
        Synthetic s = new Synthetic(0.1, 10, 0, 0, 100);
        MeasuredRun quiet = s.run(100, 1);
        List<StepSample> loaded = new ArrayList<>();
        for (StepSample x : quiet.steps()) {
            double f = x.step() % 3 == 0 ? 1 : 3;
            StepTimings t = x.timings();
            loaded.add(new StepSample(x.step(), x.stepMillis() * f, new StepTimings(t.broadcastMillis(), t.jobMillis() * f,
                    t.slowestTaskMillis() * f, t.aggregateMillis(), t.updateMillis()), x.bSimple()));
        }
        MeasuredRun run = new MeasuredRun("loaded", 100, 1, 100, "local", loaded, OptionalLong.empty());
        assertEquals(60.0, RunSummary.of(run).stepMillis(), 1e-9, "two steps in three are 3x slower");
        assertEquals(20.0, RunSummary.of(run, 0.1).stepMillis(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> RunSummary.of(run, 1.0));
        assertThrows(IllegalArgumentException.class, () -> RunSummary.of(run, 0));
    }

    @Test
    void medianOfAnEvenCountAveragesTheMiddlePair() {
        List<StepSample> steps = new ArrayList<>();
        double[] times = {5, 1, 3, 100};
        for (int i = 0; i < times.length; i++) {
            steps.add(new StepSample(i, times[i], new StepTimings(0, times[i], times[i], 0, 0), Double.NaN));
        }
        assertEquals(4.0, RunSummary.quantile(steps, StepSample::stepMillis, 0.5), 1e-12);
        assertEquals(1.6, RunSummary.quantile(steps, StepSample::stepMillis, 0.1), 1e-12, "1 + 0.3·(3 − 1)");
        MeasuredRun run = new MeasuredRun("r", 8, 2, 10, "local", steps, OptionalLong.empty());
        assertEquals(2, RunSummary.of(run).used());
    }
}
