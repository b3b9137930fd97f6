package io.lockstep.optim;

/**
 * Nesterov momentum exactly as DL4J {@code NesterovsUpdater} (libnd4j {@code nesterovs_updater},
 * float32):
 * <pre>
 *   vNew   = mu * vPrev - lr * g
 *   update = mu * vPrev - (1 + mu) * vNew        (params -= update)
 * </pre>
 * State: one array, the velocity v (DL4J's state view). Because v carries the learning rate, a
 * changing lr is absorbed the way DL4J does it unless the caller applies Goyal et al.'s momentum
 * correction (arXiv 1706.02677, section 2.1) through {@link #rescaleVelocity(double)}, which
 * {@link ParameterUpdate} does when {@link OptimizerConfig#momentumCorrection()} is set (the
 * default). {@link #computeUpdate} itself is always DL4J's uncorrected rule.
 */
public final class NesterovOptimizer extends AbstractOptimizer {
    private final double momentum;

    public NesterovOptimizer(int numParams, double momentum) {
        super(numParams, 1);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) (got " + momentum + ")");
        }
        this.momentum = momentum;
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public void computeUpdate(float[] params, float[] grad, double lr, long iteration, float[] update) {
        check(params, grad, lr, iteration, update);
        final float lrF = (float) lr;
        final float mu = (float) momentum;
        final float muT = -mu - 1f;
        final float[] v = state[0];
        for (int i = 0; i < n; i++) {
            float prev = mu * v[i];
            float vNew = prev - lrF * grad[i];
            v[i] = vNew;
            update[i] = prev + muT * vNew;
        }
    }

    /** {@code v *= (float) ratio} (momentum correction; see {@link Optimizer#rescaleVelocity}). */
    @Override
    public void rescaleVelocity(double ratio) {
        scaleState(0, ratio);
    }

    @Override
    public String name() {
        return "nesterov";
    }
}
