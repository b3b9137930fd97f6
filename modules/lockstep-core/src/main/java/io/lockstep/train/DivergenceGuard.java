package io.lockstep.train;

import io.lockstep.config.DivergenceConfig;
import java.util.Optional;

/**
 * Detects a diverged step before its update is applied: NaN/Inf loss or gradient, or a loss blow-up
 * (loss above {@code lossFactor} × the lowest smoothed loss so far and above the first step's loss).
 * The smoothed loss is an EMA with decay 0.9 of the accepted steps' losses. Immutable: {@link #accept}
 * returns the guard's next state, so rolling back to an earlier step restores its guard too.
 */
public final class DivergenceGuard {
    private static final double SMOOTHING = 0.9;

    private final double lossFactor;
    private final double firstLoss;
    private final double smoothed;
    private final double minSmoothed;

    private DivergenceGuard(double lossFactor, double firstLoss, double smoothed, double minSmoothed) {
        this.lossFactor = lossFactor;
        this.firstLoss = firstLoss;
        this.smoothed = smoothed;
        this.minSmoothed = minSmoothed;
    }

    public static DivergenceGuard start(DivergenceConfig config) {
        return new DivergenceGuard(config.lossFactor(), Double.NaN, Double.NaN, Double.POSITIVE_INFINITY);
    }

    /**
     * A guard with exactly these fields (as read back from a checkpoint; see the accessors).
     *
     * @throws IllegalArgumentException if {@code lossFactor} is not above 1 (+∞ allowed), as in {@link DivergenceConfig}
     */
    public static DivergenceGuard of(double lossFactor, double firstLoss, double smoothed, double minSmoothed) {
        if (!(lossFactor > 1)) {
            throw new IllegalArgumentException("lossFactor must be > 1 (got " + lossFactor + ")");
        }
        return new DivergenceGuard(lossFactor, firstLoss, smoothed, minSmoothed);
    }

    public double lossFactor() {
        return lossFactor;
    }

    /** The first accepted loss (NaN before the first step). */
    public double firstLoss() {
        return firstLoss;
    }

    /** The smoothed loss (NaN before the first step). */
    public double smoothed() {
        return smoothed;
    }

    /** The lowest smoothed loss so far (+∞ before the first step). */
    public double minSmoothed() {
        return minSmoothed;
    }

    /** Why this step diverged, or empty if it did not. */
    public Optional<String> check(double loss, double gradNorm) {
        if (!Double.isFinite(loss)) {
            return Optional.of("loss is " + loss);
        }
        if (!Double.isFinite(gradNorm)) {
            return Optional.of("gradient norm is " + gradNorm);
        }
        if (Double.isFinite(minSmoothed) && loss > lossFactor * minSmoothed && loss > firstLoss) {
            return Optional.of(String.format(java.util.Locale.ROOT,
                    "loss %.4g is above %.3g x the lowest smoothed loss %.4g and above the first loss %.4g",
                    loss, lossFactor, minSmoothed, firstLoss));
        }
        return Optional.empty();
    }

    /** The guard after a step with {@code loss} was accepted. */
    public DivergenceGuard accept(double loss) {
        double first = Double.isNaN(firstLoss) ? loss : firstLoss;
        double s = Double.isNaN(smoothed) ? loss : SMOOTHING * smoothed + (1 - SMOOTHING) * loss;
        return new DivergenceGuard(lossFactor, first, s, Math.min(minSmoothed, s));
    }
}
