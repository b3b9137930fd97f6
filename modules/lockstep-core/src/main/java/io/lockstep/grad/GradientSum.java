package io.lockstep.grad;

import java.io.Serializable;

/**
 * One worker's contribution to a step: the gradient <b>sum</b> over its examples (not a mean),
 * the loss <b>sum</b>, the example count, and the squared L2 norm of its own <b>mean</b> gradient
 * ({@code ‖sum/count‖²}, for the gradient-noise-scale estimator). A worker that holds none of the
 * step's examples returns {@link #empty()}.
 *
 * <p>The gradient excludes regularization: L2 / weight decay are applied once, on the driver.
 */
public record GradientSum(float[] gradientSum, double lossSum, long count, double meanGradientSqNorm)
        implements Serializable {

    private static final GradientSum EMPTY = new GradientSum(null, 0.0, 0L, 0.0);

    public GradientSum {
        if (count < 0) {
            throw new IllegalArgumentException("count must be ≥ 0 (got " + count + ")");
        }
        if (count > 0 && gradientSum == null) {
            throw new IllegalArgumentException("gradientSum is missing for count " + count);
        }
    }

    /** The partial of a worker with no examples in this step. */
    public static GradientSum empty() {
        return EMPTY;
    }

    /** Builds a partial from a gradient sum, computing the squared norm of its mean. */
    public static GradientSum of(float[] gradientSum, double lossSum, long count) {
        double sq = 0.0;
        for (float g : gradientSum) {
            sq += (double) g * g;
        }
        return new GradientSum(gradientSum, lossSum, count, count == 0 ? 0.0 : sq / ((double) count * count));
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
