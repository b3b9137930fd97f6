package io.lockstep.grad;

import java.io.Serializable;

/**
 * One worker's contribution to a step: the gradient <b>sum</b> over its examples (not a mean), the
 * loss <b>sum</b> and the example count. For the gradient-noise-scale estimator it also carries how
 * many "small batches" it was computed from ({@code parts}: 1 per worker, or one per micro-batch
 * with accumulation) and {@code partSqNormSum} = Σ_k b_k·‖g_k‖², the count-weighted <b>sum</b> of
 * the squared norms of each small batch's <b>mean</b> gradient g_k. A worker that holds none of the
 * step's examples returns {@link #empty()}.
 *
 * <p>The gradient excludes regularization: L2 / weight decay are applied once, on the driver.
 */
public record GradientSum(float[] gradientSum, double lossSum, long count, int parts, double partSqNormSum)
        implements Serializable {

    private static final GradientSum EMPTY = new GradientSum(null, 0.0, 0L, 0, 0.0);

    public GradientSum {
        if (count < 0 || parts < 0) {
            throw new IllegalArgumentException("count and parts must be ≥ 0 (got " + count + ", " + parts + ")");
        }
        if (count > 0 && (gradientSum == null || parts == 0)) {
            throw new IllegalArgumentException("a non-empty partial needs a gradient and at least one part (count "
                    + count + ", parts " + parts + ")");
        }
    }

    /** The partial of a worker with no examples in this step. */
    public static GradientSum empty() {
        return EMPTY;
    }

    /** A single small batch: a gradient sum over {@code count} examples. */
    public static GradientSum of(float[] gradientSum, double lossSum, long count) {
        if (count == 0) {
            return EMPTY;
        }
        return new GradientSum(gradientSum, lossSum, count, 1, squaredNorm(gradientSum) / count);
    }

    /** ‖v‖², accumulated in double. */
    public static double squaredNorm(float[] v) {
        double sq = 0.0;
        for (float x : v) {
            sq += (double) x * x;
        }
        return sq;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Adds {@code other} into this partial's gradient array (reusing it) and returns the combined
     * partial: sums add, counts add, parts add. Used for micro-batch accumulation inside a worker.
     */
    public GradientSum plus(GradientSum other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        if (other.gradientSum.length != gradientSum.length) {
            throw new IllegalArgumentException("gradient lengths differ: " + gradientSum.length + " vs "
                    + other.gradientSum.length);
        }
        for (int i = 0; i < gradientSum.length; i++) {
            gradientSum[i] += other.gradientSum[i];
        }
        return new GradientSum(gradientSum, lossSum + other.lossSum, count + other.count, parts + other.parts,
                partSqNormSum + other.partSqNormSum);
    }

    /** ‖sum/count‖² for a single-part partial: the squared norm of this small batch's mean gradient. */
    public double meanGradientSqNorm() {
        return count == 0 ? 0.0 : partSqNormSum / count / parts;
    }
}
