package io.lockstep.noise;

import java.io.Serializable;

/**
 * McCandlish et al.'s two-batch estimator of the simple gradient noise scale
 * B_simple = tr(Σ)/‖G‖² (arXiv 1812.06162, App. A.1), fed once per training step.
 *
 * <h2>Inputs per step</h2>
 * The big batch is the global batch of B examples with mean gradient G_big. The small batches are the K
 * non-empty parts it was computed from (workers, or micro-batches), with counts b_k (Σ b_k = B) and
 * mean gradients g_k. The caller passes ‖G_big‖², K and the <b>count-weighted</b> mean
 * ‖G_small‖² = Σ_k (b_k/B)·‖g_k‖² (exactly {@code GradientAccumulator.meanSmallBatchSqNorm()}, with
 * K = {@code GradientAccumulator.smallBatches()}).
 *
 * <h2>Which B_small for uneven parts</h2>
 * <pre>
 *   E‖g_k‖² = ‖G‖² + tr(Σ)/b_k                                  (b_k examples drawn independently)
 *   E Σ_k (b_k/B)‖g_k‖² = Σ_k (b_k/B)‖G‖² + Σ_k (b_k/B)·tr(Σ)/b_k = ‖G‖² + K·tr(Σ)/B
 *   ⇒ the weighted mean has the expectation of ONE batch of B_small = B/K, for any split b_1..b_K.
 * </pre>
 * (An <i>unweighted</i> mean of ‖g_k‖² would instead need the harmonic mean K/Σ(1/b_k); using B/K with
 * it biases tr(Σ) upward when the split is uneven.) With B_small = B/K the two-batch formulas become
 * <pre>
 *   ‖G‖²_est = (B_big·‖G_big‖² − B_small·‖G_small‖²)/(B_big − B_small) = (K·‖G_big‖² − ‖G_small‖²)/(K − 1)
 *   tr(Σ)_est = (‖G_small‖² − ‖G_big‖²)/(1/B_small − 1/B_big)          = B·(‖G_small‖² − ‖G_big‖²)/(K − 1)
 * </pre>
 * both unbiased. The small batches being subsets of the big one does not matter: only each batch's own
 * expectation enters. <b>Finite data sets:</b> if the B examples are drawn without replacement from N
 * (one shuffled epoch), E‖g_b‖² = ‖G‖² + tr(Σ)(N−b)/(b(N−1)); then E tr(Σ)_est = tr(Σ)·N/(N−1) and
 * E‖G‖²_est = ‖G‖² − tr(Σ)/(N−1), so B_simple is overestimated by a relative ≈ B_simple/N (negligible
 * unless the noise scale approaches the data-set size).
 *
 * <h2>Averaging</h2>
 * Single-step estimates are very noisy (‖G‖²_est is often negative), so the two are averaged
 * <b>separately</b> with exponential moving averages and the reported noise scale is
 * B_simple = EMA(tr Σ)/EMA(‖G‖²). The mean of per-step ratios is not used: a ratio of noisy
 * estimates is biased (and its denominator crosses zero). Each EMA is bias-corrected as in Adam,
 * m_t = β·m_{t−1} + (1−β)·x_t, reported as m_t/(1 − β^t), so the first defined step already reports
 * its own value and early steps are usable. The default β = {@value #DEFAULT_EMA_DECAY} is a window of
 * ~1/(1−β) = 100 steps: it reduces the variance of the per-step estimates by (1−β)/(1+β) ≈ 1/200 (per-step
 * relative errors of order one become a few percent) while lagging the noise scale, which drifts over
 * thousands of steps as the loss falls, by only ~100 steps.
 *
 * <h2>Undefined steps</h2>
 * A step with K &lt; 2 parts (a single worker, or all but one empty) carries no small/big contrast:
 * B_small = B/K would equal B_big. Such a step — and also a step with a non-finite norm (diverged
 * training) — <b>contributes nothing</b>: the EMAs and the step count are unchanged and the returned
 * {@link Estimate} has NaN per-step values (its EMA fields still report the running averages). Once
 * K ≥ 2, B_small = B/K &lt; B_big always holds. {@link Estimate#bSimple()} is NaN until the first defined
 * step, and also while either EMA is ≤ 0 (noise dominates the estimate; the ratio is meaningless).
 *
 * <p>Not thread-safe. {@link #copy()} / {@link #state()} / {@link #fromState(State)} let the trainer
 * snapshot and roll the estimator back together with the rest of the training state.
 */
public final class NoiseScaleEstimator {

    /** Default EMA decay β (window ~100 steps); see the class documentation. */
    public static final double DEFAULT_EMA_DECAY = 0.99;

    private final double emaDecay;
    private long steps;
    private double rawGradSqNorm;
    private double rawTraceSigma;

    /** An estimator with the {@linkplain #DEFAULT_EMA_DECAY default} decay. */
    public NoiseScaleEstimator() {
        this(DEFAULT_EMA_DECAY);
    }

    /** @param emaDecay β in [0, 1); 0 reports the latest step's estimates only. */
    public NoiseScaleEstimator(double emaDecay) {
        if (!(emaDecay >= 0.0 && emaDecay < 1.0)) {
            throw new IllegalArgumentException("emaDecay must be in [0, 1) (got " + emaDecay + ")");
        }
        this.emaDecay = emaDecay;
    }

    /**
     * Feeds one step.
     *
     * @param bigBatch                 B, the global batch (total examples over all parts), ≥ 1
     * @param bigSqNorm                ‖G_big‖², squared norm of the gradient averaged over all B examples
     * @param smallBatches             K, the number of <b>non-empty</b> parts, 0 ≤ K ≤ B
     * @param weightedMeanSmallSqNorm  Σ_k (b_k/B)·‖g_k‖², the count-weighted mean of the parts' squared
     *                                 mean-gradient norms
     * @return this step's estimates (NaN if the step is undefined) and the running averages
     * @throws IllegalArgumentException for B ≤ 0, K &lt; 0, K &gt; B or a negative norm
     */
    public Estimate observe(long bigBatch, double bigSqNorm, int smallBatches, double weightedMeanSmallSqNorm) {
        if (bigBatch <= 0) {
            throw new IllegalArgumentException("bigBatch must be ≥ 1 (got " + bigBatch + ")");
        }
        if (smallBatches < 0 || smallBatches > bigBatch) {
            throw new IllegalArgumentException("smallBatches must be in [0, bigBatch=" + bigBatch
                    + "] (non-empty parts of the batch), got " + smallBatches);
        }
        if (bigSqNorm < 0 || weightedMeanSmallSqNorm < 0) {
            throw new IllegalArgumentException("squared norms must be ≥ 0 (got ‖G_big‖²=" + bigSqNorm
                    + ", ‖G_small‖²=" + weightedMeanSmallSqNorm + ")");
        }
        if (smallBatches < 2 || !Double.isFinite(bigSqNorm) || !Double.isFinite(weightedMeanSmallSqNorm)) {
            return estimate(Double.NaN, Double.NaN);
        }
        double k = smallBatches;
        double gradSqNorm = (k * bigSqNorm - weightedMeanSmallSqNorm) / (k - 1);
        double traceSigma = bigBatch * (weightedMeanSmallSqNorm - bigSqNorm) / (k - 1);
        steps++;
        rawGradSqNorm = emaDecay * rawGradSqNorm + (1 - emaDecay) * gradSqNorm;
        rawTraceSigma = emaDecay * rawTraceSigma + (1 - emaDecay) * traceSigma;
        return estimate(gradSqNorm, traceSigma);
    }

    /** The running averages without feeding a step (per-step fields NaN). */
    public Estimate current() {
        return estimate(Double.NaN, Double.NaN);
    }

    /** The effective small batch B_small = B/K for a count-weighted mean over K parts (NaN if K &lt; 2). */
    public static double effectiveSmallBatch(long bigBatch, int smallBatches) {
        return smallBatches < 2 ? Double.NaN : (double) bigBatch / smallBatches;
    }

    public double emaDecay() {
        return emaDecay;
    }

    /** Number of defined steps averaged so far. */
    public long steps() {
        return steps;
    }

    /** An independent copy (for rollback). */
    public NoiseScaleEstimator copy() {
        return fromState(state());
    }

    /** A serializable snapshot of the complete state. */
    public State state() {
        return new State(emaDecay, steps, rawGradSqNorm, rawTraceSigma);
    }

    /** Rebuilds an estimator from a {@link #state()} snapshot. */
    public static NoiseScaleEstimator fromState(State state) {
        NoiseScaleEstimator e = new NoiseScaleEstimator(state.emaDecay());
        e.steps = state.steps();
        e.rawGradSqNorm = state.rawEmaGradSqNorm();
        e.rawTraceSigma = state.rawEmaTraceSigma();
        return e;
    }

    private Estimate estimate(double gradSqNorm, double traceSigma) {
        double emaG = Double.NaN;
        double emaT = Double.NaN;
        if (steps > 0) {
            double correction = 1.0 - Math.pow(emaDecay, steps);
            emaG = rawGradSqNorm / correction;
            emaT = rawTraceSigma / correction;
        }
        double bSimple = emaG > 0 && emaT > 0 ? emaT / emaG : Double.NaN;
        return new Estimate(gradSqNorm, traceSigma, emaG, emaT, bSimple);
    }

    /**
     * One step's result.
     *
     * @param gradSqNorm    this step's unbiased ‖G‖² estimate (may be negative); NaN if the step was undefined
     * @param traceSigma    this step's unbiased tr(Σ) estimate (per-example covariance); NaN if undefined
     * @param emaGradSqNorm bias-corrected EMA of the ‖G‖² estimates; NaN before the first defined step
     * @param emaTraceSigma bias-corrected EMA of the tr(Σ) estimates; NaN before the first defined step
     * @param bSimple       emaTraceSigma/emaGradSqNorm; NaN before the first defined step or if either EMA ≤ 0
     */
    public record Estimate(double gradSqNorm, double traceSigma, double emaGradSqNorm, double emaTraceSigma,
            double bSimple) {

        /** Whether this step contributed to the averages. */
        public boolean stepDefined() {
            return !Double.isNaN(gradSqNorm);
        }
    }

    /**
     * Complete estimator state: decay, number of defined steps and the raw (not yet bias-corrected) EMAs.
     */
    public record State(double emaDecay, long steps, double rawEmaGradSqNorm, double rawEmaTraceSigma)
            implements Serializable {
        public State {
            if (!(emaDecay >= 0.0 && emaDecay < 1.0)) {
                throw new IllegalArgumentException("emaDecay must be in [0, 1) (got " + emaDecay + ")");
            }
            if (steps < 0) {
                throw new IllegalArgumentException("steps must be ≥ 0 (got " + steps + ")");
            }
        }
    }
}
