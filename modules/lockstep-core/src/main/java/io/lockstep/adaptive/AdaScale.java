package io.lockstep.adaptive;

import io.lockstep.noise.NoiseScaleEstimator;

/**
 * AdaScale SGD's gain ratio and scale-invariant iteration τ (Johnson, Agrawal, Gu, Guestrin, ICML 2020).
 *
 * <h2>The rule</h2>
 * With base batch b0 (the batch the base learning-rate schedule lr_base(τ) was tuned for) and a step of
 * B examples, S = B/b0. With σ² = tr Σ/b0 the gradient variance at the base batch and μ² = ‖∇F‖²,
 * <pre>
 *   r_t = (σ² + μ²) / (σ²/S + μ²)  ∈ [1, S],     lr_t = r_t · lr_base(⌊τ_t⌋),     τ_{t+1} = τ_t + r_t
 * </pre>
 * and training ends when τ reaches the base schedule's length: warmup, decay and the end are all counted
 * in base iterations. r → 1 when the gradient is noise-free (a bigger batch buys nothing) and r → S when it
 * is pure noise (linear scaling).
 *
 * <h2>Estimates</h2>
 * σ² and μ² come from the step's parts (workers or ghost/micro-batches, uneven counts allowed) through
 * {@link NoiseScaleEstimator}'s unbiased per-step estimates of the per-example tr Σ and of ‖∇F‖², which are
 * count-weighted so that uneven parts need no correction (see that class). In the paper's notation, with
 * S parts of b0 examples each, this is σ̂² = Σ‖g_i‖²/(S−1) − S/(S−1)·‖ḡ‖² and μ̂² = ‖ḡ‖² − σ̂²/S. As in
 * fairscale's implementation, each step's estimates are clipped (σ̂² ≥ 1e-6, μ̂² ≥ 0) and averaged
 * separately with a debiased exponential moving average of smoothing θ = max(1 − S/1000, 0); the gain uses
 * the averages including the current step. A step without estimates (a single part, or non-finite
 * norms) leaves the averages unchanged; before the first estimate the gain is 1.
 *
 * <p>Not thread-safe; {@link #state()}/{@link #fromState(State)} snapshot everything for checkpoints and
 * rollback.
 */
public final class AdaScale {
    /** Lower clip of the per-step σ² estimate (fairscale's). */
    public static final double MIN_VARIANCE = 1e-6;

    private final int baseBatch;
    private double tau;
    private double biasedVariance;
    private double biasedSqNorm;
    private double unbias;

    /** @param baseBatch b0 ≥ 1, the batch the base schedule is tuned for */
    public AdaScale(int baseBatch) {
        this(new State(baseBatch, 0, 0, 0, 0));
    }

    private AdaScale(State s) {
        this.baseBatch = s.baseBatch();
        this.tau = s.tau();
        this.biasedVariance = s.biasedVariance();
        this.biasedSqNorm = s.biasedSqNorm();
        this.unbias = s.unbias();
    }

    /**
     * Feeds one step of {@code batch} examples and returns its gain; does not advance τ (see
     * {@link #advance(double)}).
     *
     * @param batch    B, the step's global batch (≥ b0)
     * @param estimate the step's noise estimates ({@link NoiseScaleEstimator#observe})
     */
    public Gain observe(int batch, NoiseScaleEstimator.Estimate estimate) {
        double scale = scale(batch);
        if (estimate.stepDefined() && Double.isFinite(estimate.traceSigma()) && Double.isFinite(estimate.gradSqNorm())) {
            double theta = Math.max(1.0 - scale / 1000.0, 0.0);
            double variance = Math.max(estimate.traceSigma() / baseBatch, MIN_VARIANCE);
            double sqNorm = Math.max(estimate.gradSqNorm(), 0.0);
            biasedVariance = theta * biasedVariance + (1 - theta) * variance;
            biasedSqNorm = theta * biasedSqNorm + (1 - theta) * sqNorm;
            unbias = theta * unbias + (1 - theta);
        }
        if (unbias == 0) {
            return new Gain(1.0, scale, Double.NaN, Double.NaN, tau);
        }
        double variance = biasedVariance / unbias;
        double sqNorm = biasedSqNorm / unbias;
        return new Gain(gain(variance, sqNorm, scale), scale, variance, sqNorm, tau);
    }

    /** The closed form r = (σ² + μ²)/(σ²/S + μ²), clamped to [1, S] against rounding. */
    public static double gain(double variance, double sqNorm, double scale) {
        double r = (variance + sqNorm) / (variance / scale + sqNorm);
        return Math.min(Math.max(r, 1.0), scale);
    }

    /** τ += r after the step's update. */
    public void advance(double gain) {
        tau += gain;
    }

    /** The scale-invariant iteration: base-batch iterations done so far. */
    public double tau() {
        return tau;
    }

    public int baseBatch() {
        return baseBatch;
    }

    private double scale(int batch) {
        if (batch < baseBatch) {
            throw new IllegalArgumentException("AdaScale needs a global batch of at least the base batch (referenceBatch "
                    + baseBatch + "), got " + batch);
        }
        return (double) batch / baseBatch;
    }

    /** A complete snapshot. */
    public State state() {
        return new State(baseBatch, tau, biasedVariance, biasedSqNorm, unbias);
    }

    public static AdaScale fromState(State state) {
        return new AdaScale(state);
    }

    /**
     * One step's gain and what it came from.
     *
     * @param gain     r_t ∈ [1, S]
     * @param scale    S = B/b0
     * @param variance smoothed σ² (gradient variance at the base batch); NaN before the first estimate
     * @param sqNorm   smoothed μ² = ‖∇F‖²; NaN before the first estimate
     * @param tau      τ_t, before this step's {@link #advance}
     */
    public record Gain(double gain, double scale, double variance, double sqNorm, double tau) {}

    /**
     * Complete state: b0, τ and the debiased EMAs' raw sums (biased averages and the unbias weight
     * Σ(1−θ)θ^k, kept explicitly because θ changes with S when the batch changes).
     */
    public record State(int baseBatch, double tau, double biasedVariance, double biasedSqNorm, double unbias) {
        public State {
            if (baseBatch < 1) {
                throw new IllegalArgumentException("baseBatch must be >= 1 (got " + baseBatch + ")");
            }
            if (!(tau >= 0) || !(unbias >= 0 && unbias <= 1)) {
                throw new IllegalArgumentException("invalid AdaScale state: tau " + tau + ", unbias " + unbias);
            }
        }
    }
}
