package io.lockstep.optim;

import java.io.Serializable;
import java.util.Objects;

/**
 * Immutable, validated optimizer hyper-parameters (everything except the learning rate, which is
 * passed per step because schedules, scaling rules and warmup change it).
 *
 * <p>Defaults are DL4J 1.0.0-M2.1's: Nesterovs momentum 0.9; Adam beta1 0.9, beta2 0.999,
 * epsilon 1e-8; no regularization. Fields an optimizer does not use (e.g. {@code momentum} for
 * Adam) are still validated and kept, so that {@code withType} sweeps keep their values.
 *
 * @param type        which update rule
 * @param momentum    Nesterov momentum mu, in [0, 1)
 * @param beta1       Adam first-moment decay, in [0, 1)
 * @param beta2       Adam second-moment decay, in [0, 1)
 * @param epsilon     Adam epsilon, finite and &gt; 0
 * @param l2          L2 coefficient (DL4J {@code L2Regularization}: g += l2*w before the updater), finite, &ge; 0
 * @param weightDecay decoupled weight decay (DL4J {@code WeightDecay}, applyLR=true: update += wd*lr*w
 *                    after the updater), finite, &ge; 0
 */
public record OptimizerConfig(OptimizerType type, double momentum, double beta1, double beta2,
                              double epsilon, double l2, double weightDecay) implements Serializable {

    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    public OptimizerConfig {
        Objects.requireNonNull(type, "type must not be null");
        requireUnitInterval("momentum", momentum);
        requireUnitInterval("beta1", beta1);
        requireUnitInterval("beta2", beta2);
        if (!(Double.isFinite(epsilon) && epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0 (got " + epsilon + ")");
        }
        requireNonNegative("l2", l2);
        requireNonNegative("weightDecay", weightDecay);
    }

    private static void requireUnitInterval(String field, double value) {
        if (!(value >= 0 && value < 1)) { // also rejects NaN
            throw new IllegalArgumentException(field + " must be in [0, 1) (got " + value + ")");
        }
    }

    private static void requireNonNegative(String field, double value) {
        if (!(Double.isFinite(value) && value >= 0)) {
            throw new IllegalArgumentException(field + " must be finite and >= 0 (got " + value + ")");
        }
    }

    /** Defaults for the given type. */
    public static OptimizerConfig of(OptimizerType type) {
        return new OptimizerConfig(type, DEFAULT_MOMENTUM, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0, 0);
    }

    /** Plain SGD (DL4J {@code Sgd}). */
    public static OptimizerConfig sgd() {
        return of(OptimizerType.SGD);
    }

    /** Nesterov momentum 0.9 (DL4J {@code Nesterovs}). */
    public static OptimizerConfig nesterov() {
        return of(OptimizerType.NESTEROV);
    }

    /** Adam with beta1 0.9, beta2 0.999, epsilon 1e-8 (DL4J {@code Adam}). */
    public static OptimizerConfig adam() {
        return of(OptimizerType.ADAM);
    }

    public OptimizerConfig withType(OptimizerType t) {
        return new OptimizerConfig(t, momentum, beta1, beta2, epsilon, l2, weightDecay);
    }

    public OptimizerConfig withMomentum(double v) {
        return new OptimizerConfig(type, v, beta1, beta2, epsilon, l2, weightDecay);
    }

    public OptimizerConfig withBeta1(double v) {
        return new OptimizerConfig(type, momentum, v, beta2, epsilon, l2, weightDecay);
    }

    public OptimizerConfig withBeta2(double v) {
        return new OptimizerConfig(type, momentum, beta1, v, epsilon, l2, weightDecay);
    }

    public OptimizerConfig withEpsilon(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, v, l2, weightDecay);
    }

    public OptimizerConfig withL2(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, v, weightDecay);
    }

    public OptimizerConfig withWeightDecay(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, l2, v);
    }

    /** A fresh optimizer (zero state) for a parameter vector of the given length. */
    public Optimizer newOptimizer(int numParams) {
        return switch (type) {
            case SGD -> new SgdOptimizer(numParams);
            case NESTEROV -> new NesterovOptimizer(numParams, momentum);
            case ADAM -> new AdamOptimizer(numParams, beta1, beta2, epsilon);
        };
    }

    /** Short human-readable form listing only the fields this type uses. */
    public String describe() {
        String base = switch (type) {
            case SGD -> "sgd";
            case NESTEROV -> "nesterov(momentum=" + momentum + ")";
            case ADAM -> "adam(beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ")";
        };
        if (l2 > 0) {
            base += " l2=" + l2;
        }
        if (weightDecay > 0) {
            base += " weightDecay=" + weightDecay;
        }
        return base;
    }
}
