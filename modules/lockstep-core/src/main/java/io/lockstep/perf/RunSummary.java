package io.lockstep.perf;

import io.lockstep.metrics.StepTimings;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The steady-state step time of one run: medians (or another quantile) over its steps after the warm-up
 * (JIT compilation, first broadcasts, cache filling), which are skipped as explained in {@link #warmupSteps(int)}.
 * The step, compute and update times are quantiles over the steps; the rest is what the step's quantile leaves,
 * {@code stepMillis − computeMillis − updateMillis}, so that the terms add up to the step time (a quantile of a sum
 * is not the sum of the quantiles, and the model fitted to the terms must reproduce the measured step time).
 * A low quantile (e.g. 0.1) approximates the step time on a quiet machine when other processes compete for
 * the cores during some of the steps.
 *
 * @param run           the run
 * @param quantile      the quantile taken (0.5 = median)
 * @param skipped       warm-up steps left out
 * @param used          steps the medians are taken over
 * @param stepMillis    wall time of a step
 * @param computeMillis slowest-task time (gradient compute the step waits for)
 * @param updateMillis  optimizer update time on the driver
 * @param commMillis    broadcast + aggregate (shown for information; part of {@link #restMillis()})
 */
public record RunSummary(MeasuredRun run, double quantile, int skipped, int used, double stepMillis, double computeMillis,
                         double updateMillis, double commMillis) {
    /** Warm-up skipped: at least this many steps (unless that is more than half the run) ... */
    static final int MIN_WARMUP = 50;
    /** ... and at least this fraction of the run. */
    static final double WARMUP_FRACTION = 0.1;

    /** Summarizes a run's steady state by medians. */
    public static RunSummary of(MeasuredRun run) {
        return of(run, 0.5);
    }

    /** Summarizes a run's steady state by the given quantile in (0, 1). */
    public static RunSummary of(MeasuredRun run, double quantile) {
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        int n = run.steps().size();
        int skip = warmupSteps(n);
        List<StepSample> s = run.steps().subList(skip, n);
        return new RunSummary(run, quantile, skip, s.size(), quantile(s, StepSample::stepMillis, quantile),
                quantile(s, StepSample::computeMillis, quantile), quantile(s, x -> x.timings().updateMillis(), quantile),
                quantile(s, x -> comm(x.timings()), quantile));
    }

    /**
     * The time outside compute and update, step − compute − update (at least 0): broadcast, scheduling, result
     * transfer, merging, driver bookkeeping.
     */
    public double restMillis() {
        return Math.max(0, stepMillis - computeMillis - updateMillis);
    }

    /**
     * Steps treated as warm-up in a run of {@code n} steps: the larger of 50 steps and 10% of the run,
     * but never more than half of it (so a short run still has steps left).
     */
    public static int warmupSteps(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + n);
        }
        return Math.min(Math.max(MIN_WARMUP, (int) Math.ceil(WARMUP_FRACTION * n)), n / 2);
    }

    private static double comm(StepTimings t) {
        return t.broadcastMillis() + t.aggregateMillis();
    }

    /**
     * Quantile by linear interpolation between order statistics (position q·(n−1)); for q = 0.5 the median,
     * the mean of the two middle values for an even count.
     */
    static double quantile(List<StepSample> steps, ToDoubleFunction<StepSample> f, double q) {
        double[] v = steps.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            throw new IllegalArgumentException("quantile of no values");
        }
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, v.length - 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }

    /** Examples per task of the summarized run, ⌈B/P⌉. */
    public int examplesPerTask() {
        return run.examplesPerTask();
    }
}
