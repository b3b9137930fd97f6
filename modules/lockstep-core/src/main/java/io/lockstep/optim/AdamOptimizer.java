package io.lockstep.optim;

/**
 * Adam exactly as DL4J {@code AdamUpdater} (libnd4j {@code adam_updater}, float32), t = 0-based
 * iteration:
 * <pre>
 *   m      = beta1 * m + (1 - beta1) * g
 *   v      = beta2 * v + (1 - beta2) * g^2
 *   alphaT = lr * sqrt(1 - beta2^(t+1)) / (1 - beta1^(t+1))
 *   update = alphaT * m / (sqrt(v) + epsilon)     (params -= update)
 * </pre>
 * State: two arrays, {@code [m, v]}.
 *
 * <p>One deliberate difference: libnd4j replaces alphaT by epsilon when alphaT is 0, NaN or
 * infinite (so DL4J moves the parameters by ~epsilon even at lr = 0); here lr = 0 gives a zero
 * update. For lr &gt; 0 the results are identical.
 */
public final class AdamOptimizer extends AbstractOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    public AdamOptimizer(int numParams, double beta1, double beta2, double epsilon) {
        super(numParams, 2);
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1) (got " + beta1 + ")");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1) (got " + beta2 + ")");
        }
        if (!(Double.isFinite(epsilon) && epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0 (got " + epsilon + ")");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void computeUpdate(float[] params, float[] grad, double lr, long iteration, float[] update) {
        check(params, grad, lr, iteration, update);
        final float b1 = (float) beta1;
        final float b2 = (float) beta2;
        final float eps = (float) epsilon;
        final float lrF = (float) lr;
        final float t1 = (float) iteration + 1f;
        // Same mixed float/double evaluation as libnd4j's adamUpdater_<float>.
        final float beta1T = (float) Math.pow(b1, t1);
        final float beta2T = (float) Math.pow(b2, t1);
        final float sq = (float) Math.sqrt((float) (1.0 - beta2T));
        final float alphaT = (float) ((double) (lrF * sq) / (1.0 - beta1T));
        final float oneMinusB1 = 1f - b1;
        final float oneMinusB2 = 1f - b2;
        final float[] m = state[0];
        final float[] v = state[1];
        if (alphaT == 0f) {
            // lr == 0 (or underflow): keep the moments moving, but do not move the parameters.
            for (int i = 0; i < n; i++) {
                float g = grad[i];
                m[i] = b1 * m[i] + g * oneMinusB1;
                v[i] = b2 * v[i] + g * g * oneMinusB2;
                update[i] = 0f;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            float g = grad[i];
            float mi = b1 * m[i] + g * oneMinusB1;
            float vi = b2 * v[i] + g * g * oneMinusB2;
            m[i] = mi;
            v[i] = vi;
            update[i] = (mi * alphaT) / ((float) Math.sqrt(vi) + eps);
        }
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public String name() {
        return "adam";
    }
}
