package io.lockstep.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What counts as divergence and what to do about it. A step diverges when its loss or gradient is
 * NaN/Inf, or its loss exceeds {@code lossFactor} × the lowest smoothed training loss so far (EMA
 * with decay 0.9) <i>and</i> the first step's loss — the second condition keeps ordinary
 * minibatch noise late in training (when the smoothed minimum is tiny) from counting. Divergence
 * in the sense of Shallue et al. 2018 (arXiv 1811.03600): NaN or loss blow-up.
 *
 * @param policy       {@link Policy#HALT}: stop and keep the last good parameters;
 *                     {@link Policy#ROLLBACK}: restore the last good state, scale the learning rate by
 *                     {@code lrBackoff} and continue, at most {@code maxRollbacks} times
 * @param lossFactor   blow-up threshold as a multiple of the smoothed minimum (> 1; +∞ = only NaN/Inf count)
 * @param maxRollbacks rollbacks allowed before halting (≥ 0)
 * @param lrBackoff    factor applied to the learning rate at each rollback, in (0, 1)
 */
public record DivergenceConfig(Policy policy, double lossFactor, int maxRollbacks, double lrBackoff) {
    /** Reaction to a diverged step. */
    public enum Policy {
        HALT, ROLLBACK;

        public static Policy parse(String name) {
            for (Policy p : values()) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            throw new ConfigException("unknown divergence policy '" + name + "' (valid values: "
                    + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
                    + ")");
        }
    }

    public DivergenceConfig {
        if (policy == null) {
            throw new ConfigException("divergence policy must be set");
        }
        if (!(lossFactor > 1)) {
            throw new ConfigException("divergenceFactor must be > 1 (got " + lossFactor + "; Infinity = NaN/Inf checks only)");
        }
        if (maxRollbacks < 0) {
            throw new ConfigException("maxRollbacks must not be negative (got " + maxRollbacks + ")");
        }
        if (!(lrBackoff > 0 && lrBackoff < 1)) {
            throw new ConfigException("rollbackLrFactor must be in (0, 1) (got " + lrBackoff + ")");
        }
    }

    /** Halt at the first divergence; blow-up factor 3. */
    public static DivergenceConfig halt() {
        return new DivergenceConfig(Policy.HALT, 3.0, 0, 0.5);
    }

    /** Halt only on NaN/Inf loss or gradient: no blow-up threshold (e.g. for exactness tests). */
    public static DivergenceConfig nonFiniteOnly() {
        return new DivergenceConfig(Policy.HALT, Double.POSITIVE_INFINITY, 0, 0.5);
    }

    public DivergenceConfig withPolicy(Policy v) { return new DivergenceConfig(v, lossFactor, maxRollbacks, lrBackoff); }
    public DivergenceConfig withLossFactor(double v) { return new DivergenceConfig(policy, v, maxRollbacks, lrBackoff); }
    public DivergenceConfig withMaxRollbacks(int v) { return new DivergenceConfig(policy, lossFactor, v, lrBackoff); }
    public DivergenceConfig withLrBackoff(double v) { return new DivergenceConfig(policy, lossFactor, maxRollbacks, v); }
}
