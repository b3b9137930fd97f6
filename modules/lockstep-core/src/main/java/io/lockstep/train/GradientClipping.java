package io.lockstep.train;

/**
 * Global-norm gradient clipping (Pascanu, Mikolov, Bengio 2013, arXiv 1211.5063): if ‖g‖ > c,
 * g ← g·c/‖g‖. Applied on the driver to the averaged gradient, before regularization.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** Clips {@code g} in place; returns true if it was scaled. {@code maxNorm} 0 disables clipping. */
    public static boolean clip(float[] g, double norm, double maxNorm) {
        if (maxNorm <= 0 || norm <= maxNorm || !Double.isFinite(norm)) {
            return false;
        }
        float scale = (float) (maxNorm / norm);
        for (int i = 0; i < g.length; i++) {
            g[i] *= scale;
        }
        return true;
    }

    /** The L2 norm of {@code v}, accumulated in double. */
    public static double norm(float[] v) {
        return Math.sqrt(io.lockstep.grad.GradientSum.squaredNorm(v));
    }
}
