package io.lockstep.app.advise;

import io.lockstep.adaptive.AdaScale;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.perf.RunHistory;
import io.lockstep.perf.StepStatistics;
import java.util.Arrays;
import java.util.List;

/**
 * Each step's smoothed gradient variance σ² at the base batch b0 and squared gradient norm μ² of a run, the
 * way AdaScale smooths them: the run's own {@code adascale_variance}/{@code adascale_sq_norm} when it logged
 * them (σ² rescaled from the run's reference batch to b0: σ² = tr Σ/b0), otherwise {@link AdaScale} fed
 * each step's {@code noise_trace_sigma} and {@code noise_grad_sq}. NaN at steps before the first estimate.
 *
 * @param variance σ² per step
 * @param sqNorm   μ² per step
 * @param source   where the values come from, for the user
 */
record NoiseHistory(double[] variance, double[] sqNorm, String source) {
    static NoiseHistory of(RunHistory run, int baseBatch) {
        List<StepStatistics> s = run.statistics();
        boolean logged = run.referenceBatch() > 0 && s.stream().anyMatch(x -> Double.isFinite(x.variance()));
        return logged ? logged(s, (double) run.referenceBatch() / baseBatch) : replayed(run, baseBatch);
    }

    private static NoiseHistory logged(List<StepStatistics> s, double rescale) {
        return new NoiseHistory(s.stream().mapToDouble(x -> x.variance() * rescale).toArray(),
                s.stream().mapToDouble(StepStatistics::sqNorm).toArray(),
                "the run's own AdaScale estimates (adascale_variance" + (rescale == 1 ? "" : " x reference batch/b0")
                        + ", adascale_sq_norm)");
    }

    private static NoiseHistory replayed(RunHistory run, int baseBatch) {
        AdaScale adaScale = new AdaScale(baseBatch);
        int n = run.statistics().size();
        double[] variance = new double[n];
        double[] sqNorm = new double[n];
        for (int i = 0; i < n; i++) {
            StepStatistics s = run.statistics().get(i);
            AdaScale.Gain g = adaScale.observe(run.batch(i), new NoiseScaleEstimator.Estimate(s.gradSqNorm(),
                    s.traceSigma(), Double.NaN, Double.NaN, Double.NaN));
            variance[i] = g.variance();
            sqNorm[i] = g.sqNorm();
        }
        return new NoiseHistory(variance, sqNorm, "AdaScale's smoothing (debiased EMA, theta = max(1 - S/1000, 0),"
                + " clipped) of each step's noise_trace_sigma/b0 and noise_grad_sq");
    }

    /** Whether any step has estimates. */
    boolean any() {
        return Arrays.stream(variance).anyMatch(v -> v > 0);
    }
}
