package io.lockstep.optim;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Immutable, validated optimizer hyper-parameters (everything except the learning rate, which is
 * passed per step because schedules, scaling rules and warmup change it).
 *
 * <p>Defaults are DL4J 1.0.0-M2.1's where DL4J has the rule: Nesterovs momentum 0.9; Adam beta1 0.9,
 * beta2 0.999, epsilon 1e-8; no regularization. For the large-batch rules DL4J lacks: LARS (You,
 * Gitman, Ginsburg 2017, arXiv 1708.03888) uses {@code momentum} (0.9) and {@code trustCoefficient}
 * tau = 0.001; LAMB (You et al. 2019, arXiv 1904.00962) uses {@code beta1}, {@code beta2},
 * {@code epsilon} and {@code lambMaxTrust} (no clamp). Both skip bias blocks by default
 * ({@code excludeBiases}). Fields an optimizer does not use (e.g. {@code momentum} for Adam) are
 * still validated and kept, so that {@code withType} sweeps keep their values.
 *
 * <p><b>Epsilon rule.</b> The default epsilon depends on the type: {@value #DEFAULT_LAMB_EPSILON} for
 * LAMB (the paper's value), {@value #DEFAULT_EPSILON} for everything else (DL4J's Adam); see
 * {@link #defaultEpsilon(OptimizerType)}. {@link #of(OptimizerType)} uses it. {@link #withType} keeps
 * every field, except that an epsilon still equal to the old type's default is replaced by the new
 * type's default ("a default stays a default"); an explicitly set epsilon is kept.
 *
 * <p><b>Weight decay.</b> For SGD / Nesterov / Adam, {@code weightDecay} is DL4J's decoupled
 * {@code WeightDecay} (applyLR = true) added after the update rule by {@link ParameterUpdate}. For
 * LARS and LAMB it is the optimizer's own coefficient (LARS beta, LAMB lambda), applied inside the
 * trust-ratio computation; {@link ParameterUpdate} then does not add it again. {@code l2} is always
 * added to the gradient of weights before the update rule.
 *
 * @param type               which update rule
 * @param momentum           Nesterov / LARS momentum, in [0, 1)
 * @param beta1              Adam / LAMB first-moment decay, in [0, 1)
 * @param beta2              Adam / LAMB second-moment decay, in [0, 1)
 * @param epsilon            Adam / LAMB epsilon, finite and &gt; 0
 * @param l2                 L2 coefficient (DL4J {@code L2Regularization}: g += l2*w before the updater), finite, &ge; 0
 * @param weightDecay        SGD/Nesterov/Adam: decoupled weight decay (DL4J {@code WeightDecay}, applyLR=true:
 *                           update += wd*lr*w after the updater); LARS: beta; LAMB: lambda. Finite, &ge; 0
 * @param trustCoefficient   LARS trust coefficient tau, finite and &gt; 0 (default 0.001)
 * @param excludeBiases      LARS/LAMB: bias blocks ({@link ParamBlock#bias()}) get trust ratio 1 and no
 *                           weight decay (default true); when false they are treated like weights
 * @param lambMaxTrust       LAMB: phi(x) = min(x, lambMaxTrust) applied to the weight norm; &gt; 0, may be
 *                           +Infinity (default, phi = identity)
 * @param momentumCorrection Goyal et al. 2017 (arXiv 1706.02677, section 2.1): when the learning rate changes,
 *                           scale the velocity of Nesterov / LARS by lr_t / lr_{t-1} (default true; no effect on
 *                           SGD, Adam, LAMB)
 */
public record OptimizerConfig(OptimizerType type, double momentum, double beta1, double beta2,
                              double epsilon, double l2, double weightDecay, double trustCoefficient,
                              boolean excludeBiases, double lambMaxTrust, boolean momentumCorrection)
        implements Serializable {

    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    /** DL4J Adam's epsilon; the default for every type except LAMB. */
    public static final double DEFAULT_EPSILON = 1e-8;
    /** LAMB's default epsilon (You et al. 2019). */
    public static final double DEFAULT_LAMB_EPSILON = 1e-6;
    /** LARS trust coefficient tau (You, Gitman, Ginsburg 2017). */
    public static final double DEFAULT_TRUST_COEFFICIENT = 0.001;
    /** No clamp: LAMB's phi is the identity. */
    public static final double DEFAULT_LAMB_MAX_TRUST = Double.POSITIVE_INFINITY;
    public static final boolean DEFAULT_EXCLUDE_BIASES = true;
    public static final boolean DEFAULT_MOMENTUM_CORRECTION = true;

    public OptimizerConfig {
        Objects.requireNonNull(type, "type must not be null");
        requireUnitInterval("momentum", momentum);
        requireUnitInterval("beta1", beta1);
        requireUnitInterval("beta2", beta2);
        requirePositiveFinite("epsilon", epsilon);
        requireNonNegative("l2", l2);
        requireNonNegative("weightDecay", weightDecay);
        requirePositiveFinite("trustCoefficient", trustCoefficient);
        if (!(lambMaxTrust > 0)) { // also rejects NaN; +Infinity allowed (no clamp)
            throw new IllegalArgumentException(
                    "lambMaxTrust must be > 0 (+Infinity = no clamp) (got " + lambMaxTrust + ")");
        }
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

    private static void requirePositiveFinite(String field, double value) {
        if (!(Double.isFinite(value) && value > 0)) {
            throw new IllegalArgumentException(field + " must be finite and > 0 (got " + value + ")");
        }
    }

    /** The default epsilon of a type: {@value #DEFAULT_LAMB_EPSILON} for LAMB, else {@value #DEFAULT_EPSILON}. */
    public static double defaultEpsilon(OptimizerType type) {
        return Objects.requireNonNull(type, "type must not be null") == OptimizerType.LAMB
                ? DEFAULT_LAMB_EPSILON : DEFAULT_EPSILON;
    }

    /** Defaults for the given type. */
    public static OptimizerConfig of(OptimizerType type) {
        return new OptimizerConfig(type, DEFAULT_MOMENTUM, DEFAULT_BETA1, DEFAULT_BETA2, defaultEpsilon(type), 0, 0,
                DEFAULT_TRUST_COEFFICIENT, DEFAULT_EXCLUDE_BIASES, DEFAULT_LAMB_MAX_TRUST,
                DEFAULT_MOMENTUM_CORRECTION);
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

    /** LARS with momentum 0.9, trust coefficient 0.001, biases excluded. */
    public static OptimizerConfig lars() {
        return of(OptimizerType.LARS);
    }

    /** LAMB with beta1 0.9, beta2 0.999, epsilon 1e-6, no clamp, biases excluded. */
    public static OptimizerConfig lamb() {
        return of(OptimizerType.LAMB);
    }

    /**
     * Same values with another type; an epsilon equal to the current type's default becomes the new
     * type's default (see the class comment).
     */
    public OptimizerConfig withType(OptimizerType t) {
        Objects.requireNonNull(t, "type must not be null");
        double eps = epsilon == defaultEpsilon(type) ? defaultEpsilon(t) : epsilon;
        return new OptimizerConfig(t, momentum, beta1, beta2, eps, l2, weightDecay, trustCoefficient,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withMomentum(double v) {
        return new OptimizerConfig(type, v, beta1, beta2, epsilon, l2, weightDecay, trustCoefficient,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withBeta1(double v) {
        return new OptimizerConfig(type, momentum, v, beta2, epsilon, l2, weightDecay, trustCoefficient,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withBeta2(double v) {
        return new OptimizerConfig(type, momentum, beta1, v, epsilon, l2, weightDecay, trustCoefficient,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withEpsilon(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, v, l2, weightDecay, trustCoefficient,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withL2(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, v, weightDecay, trustCoefficient,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withWeightDecay(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, l2, v, trustCoefficient,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withTrustCoefficient(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, l2, weightDecay, v,
                excludeBiases, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withExcludeBiases(boolean v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, l2, weightDecay, trustCoefficient,
                v, lambMaxTrust, momentumCorrection);
    }

    public OptimizerConfig withLambMaxTrust(double v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, l2, weightDecay, trustCoefficient,
                excludeBiases, v, momentumCorrection);
    }

    public OptimizerConfig withMomentumCorrection(boolean v) {
        return new OptimizerConfig(type, momentum, beta1, beta2, epsilon, l2, weightDecay, trustCoefficient,
                excludeBiases, lambMaxTrust, v);
    }

    /**
     * A fresh optimizer (zero state) for the given parameter layout. SGD, Nesterov and Adam only use
     * its size; LARS and LAMB compute one trust ratio per {@link ParamBlock}.
     */
    public Optimizer newOptimizer(ParamLayout layout) {
        Objects.requireNonNull(layout, "layout");
        return switch (type) {
            case SGD -> new SgdOptimizer(layout.numParams());
            case NESTEROV -> new NesterovOptimizer(layout.numParams(), momentum);
            case ADAM -> new AdamOptimizer(layout.numParams(), beta1, beta2, epsilon);
            case LARS -> new LarsOptimizer(layout, momentum, trustCoefficient, weightDecay, excludeBiases);
            case LAMB -> new LambOptimizer(layout, beta1, beta2, epsilon, weightDecay, lambMaxTrust, excludeBiases);
        };
    }

    /**
     * A fresh optimizer (zero state) for a parameter vector of the given length. For LARS and LAMB the
     * whole vector is treated as ONE weight block (one trust ratio); use {@link #newOptimizer(ParamLayout)}
     * for the per-layer rules.
     */
    public Optimizer newOptimizer(int numParams) {
        if (numParams < 0) {
            throw new IllegalArgumentException("numParams must be >= 0 (got " + numParams + ")");
        }
        return newOptimizer(new ParamLayout(List.of(new ParamBlock(0, "W", 0, numParams, false))));
    }

    /** Short human-readable form listing only the fields this type uses. */
    public String describe() {
        String base = switch (type) {
            case SGD -> "sgd";
            case NESTEROV -> "nesterov(momentum=" + momentum + ")";
            case ADAM -> "adam(beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ")";
            case LARS -> "lars(momentum=" + momentum + ", trustCoefficient=" + trustCoefficient
                    + ", excludeBiases=" + excludeBiases + ")";
            case LAMB -> "lamb(beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon
                    + (lambMaxTrust == Double.POSITIVE_INFINITY ? "" : ", lambMaxTrust=" + lambMaxTrust)
                    + ", excludeBiases=" + excludeBiases + ")";
        };
        if (type.velocityCarriesLr() && !momentumCorrection) {
            base += " momentumCorrection=false";
        }
        if (l2 > 0) {
            base += " l2=" + l2;
        }
        if (weightDecay > 0) {
            base += " weightDecay=" + weightDecay;
        }
        return base;
    }
}
