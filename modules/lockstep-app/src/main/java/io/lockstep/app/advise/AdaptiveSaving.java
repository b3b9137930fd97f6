package io.lockstep.app.advise;

import io.lockstep.adaptive.AdaScale;
import io.lockstep.adaptive.Goodput;
import io.lockstep.perf.RunHistory;
import io.lockstep.perf.RunSummary;
import io.lockstep.perf.StepTimeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * "What would adaptive batching have saved here?" for one run, a model prediction: step t of the run made
 * p_t = r(B_t) base-batch iterations of progress (AdaScale's gain with the run's smoothed σ², μ², see
 * {@link NoiseHistory}) in T(B_t), where T is the advisor's {@link StepTimeModel} fitted to this run's own
 * steps (one fitted "run" per batch size it used) or a given one. A goodput-optimal batch B*_t ({@link Goodput#best} over the
 * range) makes the same progress in p_t·T(B*_t)/r(B*_t). Steps before the first estimate count as unchanged.
 *
 * @param run        the run directory
 * @param range      b0 and the batches B* is chosen from
 * @param noise      the σ², μ² used
 * @param model      the fitted step-time model
 * @param steps      every step of the run
 */
record AdaptiveSaving(String run, BatchRange range, NoiseHistory noise, StepTimeModel model, List<Step> steps) {
    /**
     * One step.
     *
     * @param step           0-based index
     * @param batch          the run's B_t
     * @param bSimple        b0·σ²/μ², NaN without an estimate
     * @param progress       p_t = r(B_t), NaN without an estimate
     * @param runMillis      model T(B_t)
     * @param measuredMillis the step's step_ms
     * @param best           the goodput-optimal batch, null without an estimate
     * @param adaptiveMillis p_t·T(B*_t)/r(B*_t), or T(B_t) without an estimate
     */
    record Step(long step, int batch, double bSimple, double progress, double runMillis, double measuredMillis,
                Goodput.Choice best, double adaptiveMillis) {}

    /**
     * The base batch and the range of B*.
     *
     * @param baseBatch b0
     * @param minBatch  smallest B*
     * @param maxBatch  largest B*
     * @param origin    how b0 and the range were set, for the user
     */
    record BatchRange(int baseBatch, int minBatch, int maxBatch, String origin) {}

    /** With T(B) from {@link StepTimeModel#fit} to the run's own steps, one fitted "run" per batch size. */
    static AdaptiveSaving of(RunHistory history, BatchRange range, double quantile) {
        return of(history, range, StepTimeModel.fit(history.byBatch().stream().map(r -> RunSummary.of(r, quantile))
                .toList()));
    }

    /** With T(B) from {@code model} (e.g. fitted to several runs, which measured batches this one did not run). */
    static AdaptiveSaving of(RunHistory history, BatchRange range, StepTimeModel model) {
        int workers = history.run().workers();
        IntToDoubleFunction time = b -> model.predict(b, workers).totalMillis();
        NoiseHistory noise = NoiseHistory.of(history, range.baseBatch());
        List<Integer> candidates = candidatesOf(range);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < history.statistics().size(); i++) {
            steps.add(step(history, i, noise, range.baseBatch(), candidates, time));
        }
        return new AdaptiveSaving(history.run().name(), range, noise, model, steps);
    }

    /** The batches B* is chosen from. */
    static List<Integer> candidatesOf(BatchRange range) {
        return Goodput.candidates(range.minBatch(), range.maxBatch());
    }

    private static Step step(RunHistory h, int i, NoiseHistory noise, int b0, List<Integer> candidates,
                             IntToDoubleFunction time) {
        int b = h.batch(i);
        double runMillis = time.applyAsDouble(b);
        double measured = h.run().steps().get(i).stepMillis();
        double variance = noise.variance()[i];
        double sqNorm = noise.sqNorm()[i];
        if (!(variance > 0) || !Double.isFinite(sqNorm)) {
            return new Step(h.run().steps().get(i).step(), b, Double.NaN, Double.NaN, runMillis, measured, null,
                    runMillis);
        }
        double progress = AdaScale.gain(variance, sqNorm, (double) b / b0);
        Goodput.Choice best = Goodput.best(candidates, variance, sqNorm, b0, time);
        double bestGain = AdaScale.gain(variance, sqNorm, (double) best.batch() / b0);
        return new Step(h.run().steps().get(i).step(), b, b0 * variance / sqNorm, progress, runMillis, measured, best,
                progress * best.stepMillis() / bestGain);
    }

    /** Steps with noise estimates; 0 means there is nothing to predict. */
    long estimated() {
        return steps.stream().filter(s -> s.best() != null).count();
    }

    /** Σ p_t over the steps with estimates: base-batch iterations. */
    double progress() {
        return steps.stream().mapToDouble(Step::progress).filter(Double::isFinite).sum();
    }

    double measuredSeconds() {
        return steps.stream().mapToDouble(Step::measuredMillis).sum() / 1000;
    }

    double modelSeconds() {
        return steps.stream().mapToDouble(Step::runMillis).sum() / 1000;
    }

    double adaptiveSeconds() {
        return steps.stream().mapToDouble(Step::adaptiveMillis).sum() / 1000;
    }

    /** Model time minus adaptive time. */
    double savingSeconds() {
        return modelSeconds() - adaptiveSeconds();
    }

    /** The saving as a fraction of the model time. */
    double savingFraction() {
        return savingSeconds() / modelSeconds();
    }
}
