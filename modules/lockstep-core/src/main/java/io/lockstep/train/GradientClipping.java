package io.lockstep.train;

import io.lockstep.model.ParamLayout;

/**
 * Global-norm gradient clipping (Pascanu, Mikolov, Bengio 2013, arXiv 1211.5063): if ‖g‖ > c,
 * g ← g·c/‖g‖. Applied on the driver to the averaged gradient, before regularization, over the
 * trainable blocks only (running-statistic slots hold updates, not gradients, and are never scaled).
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** Clips {@code g} in place; returns true if it was scaled. {@code maxNorm} 0 disables clipping. */
    public static boolean clip(float[] g, double norm, double maxNorm) {
        return clip(g, null, norm, maxNorm);
    }

    /**
     * Clips the trainable blocks of {@code g} in place ({@code layout} null = every element); returns true
     * if they were scaled. {@code norm} must be {@link #norm(float[], ParamLayout)} of the same blocks.
     */
    public static boolean clip(float[] g, ParamLayout layout, double norm, double maxNorm) {
        if (maxNorm <= 0 || norm <= maxNorm || !Double.isFinite(norm)) {
            return false;
        }
        float scale = (float) (maxNorm / norm);
        for (int[] r : ranges(g, layout)) {
            for (int i = r[0]; i < r[1]; i++) {
                g[i] *= scale;
            }
        }
        return true;
    }

    /** The L2 norm of {@code v}, accumulated in double. */
    public static double norm(float[] v) {
        return Math.sqrt(io.lockstep.grad.GradientSum.squaredNorm(v));
    }

    /** The L2 norm of the trainable blocks of {@code v} ({@code layout} null = every element). */
    public static double norm(float[] v, ParamLayout layout) {
        double sq = 0;
        for (int[] r : ranges(v, layout)) {
            for (int i = r[0]; i < r[1]; i++) {
                sq += (double) v[i] * v[i];
            }
        }
        return Math.sqrt(sq);
    }

    private static int[][] ranges(float[] v, ParamLayout layout) {
        return layout == null ? new int[][] {{0, v.length}} : layout.trainableRanges();
    }
}
