package io.lockstep.optim;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;

import java.util.List;
import java.util.Objects;

/**
 * LAMB, layer-wise adaptive moments for batch training (Y. You, J. Li, S. Reddi, J. Hseu, S. Kumar,
 * S. Bhojanapalli, X. Song, J. Demmel, K. Keutzer, C.-J. Hsieh, "Large Batch Optimization for Deep
 * Learning: Training BERT in 76 minutes", 2019, arXiv 1904.00962, Algorithm 2). With t = iteration + 1
 * and learning rate eta_t, element-wise
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   r = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 * </pre>
 * and for every parameter block l of the {@link ParamLayout}:
 * <pre>
 *   u_l      = r_l + lambda * w_l
 *   update_l = eta_t * (phi(||w_l||) / ||u_l||) * u_l          (params -= update)
 *   phi(x)   = min(x, lambMaxTrust)                            (identity by default)
 * </pre>
 * with lambda = {@link OptimizerConfig#weightDecay()} (the weight decay lives here, inside the rule).
 * Guard: ratio 1 when ||w_l|| = 0 or ||u_l|| = 0. Blocks with {@link ParamBlock#bias()} are, when
 * {@code excludeBiases} is set, updated with ratio 1 and without the lambda term, i.e.
 * {@code update = eta_t * r} (bias-corrected Adam). Blocks that are not trainable (running statistics,
 * frozen layers) are always excluded and get a zero gradient from {@link ParameterUpdate}. Epsilon is added to sqrt(v-hat), as in the paper
 * (DL4J's Adam adds it to sqrt(v) and folds the bias corrections into the step size), and defaults to
 * the paper's 1e-6 ({@link OptimizerConfig#DEFAULT_LAMB_EPSILON}).
 *
 * <p>Arithmetic: moments stored as float32, r, norms and the update computed in double; deterministic.
 * State: two arrays {@code [m, v]}; they do not carry the learning rate, so no momentum correction
 * is needed. DL4J has no LAMB.
 */
public final class LambOptimizer extends AbstractOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final double maxTrust;
    private final boolean excludeBiases;
    private final int[] start;
    private final int[] end;
    private final boolean[] excluded;
    private final double[] lastTrust;
    private final double[] u;

    /**
     * @param layout        parameter blocks (one trust ratio each)
     * @param beta1         in [0, 1)
     * @param beta2         in [0, 1)
     * @param epsilon       finite and &gt; 0
     * @param weightDecay   lambda, finite and &ge; 0
     * @param maxTrust      clamp of phi, &gt; 0 ({@code +Infinity}: no clamp)
     * @param excludeBiases bias blocks get ratio 1 and no weight decay
     */
    public LambOptimizer(ParamLayout layout, double beta1, double beta2, double epsilon, double weightDecay,
                         double maxTrust, boolean excludeBiases) {
        super(Objects.requireNonNull(layout, "layout").numParams(), 2);
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1) (got " + beta1 + ")");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1) (got " + beta2 + ")");
        }
        if (!(Double.isFinite(epsilon) && epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0 (got " + epsilon + ")");
        }
        if (!(Double.isFinite(weightDecay) && weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0 (got " + weightDecay + ")");
        }
        if (!(maxTrust > 0)) {
            throw new IllegalArgumentException("lambMaxTrust must be > 0 (+Infinity = no clamp) (got " + maxTrust + ")");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.maxTrust = maxTrust;
        this.excludeBiases = excludeBiases;
        List<ParamBlock> blocks = layout.blocks();
        this.start = new int[blocks.size()];
        this.end = new int[blocks.size()];
        this.excluded = new boolean[blocks.size()];
        for (int b = 0; b < blocks.size(); b++) {
            start[b] = blocks.get(b).offset();
            end[b] = blocks.get(b).end();
            excluded[b] = !blocks.get(b).trainable() || excludeBiases && blocks.get(b).bias();
        }
        this.lastTrust = new double[blocks.size()];
        java.util.Arrays.fill(lastTrust, Double.NaN);
        this.u = new double[n];
    }

    @Override
    public void computeUpdate(float[] params, float[] grad, double lr, long iteration, float[] update) {
        check(params, grad, lr, iteration, update);
        final double t = (double) iteration + 1.0;
        final double bc1 = 1.0 - Math.pow(beta1, t);
        final double bc2 = 1.0 - Math.pow(beta2, t);
        final float[] m = state[0];
        final float[] v = state[1];
        for (int b = 0; b < start.length; b++) {
            final int from = start[b];
            final int to = end[b];
            final double lambda = excluded[b] ? 0.0 : weightDecay;
            double wSq = 0;
            double uSq = 0;
            for (int i = from; i < to; i++) {
                double g = grad[i];
                m[i] = (float) (beta1 * m[i] + (1.0 - beta1) * g);
                v[i] = (float) (beta2 * v[i] + (1.0 - beta2) * g * g);
                double r = (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + epsilon);
                double w = params[i];
                double ui = r + lambda * w;
                u[i] = ui;
                wSq += w * w;
                uSq += ui * ui;
            }
            double ratio = 1.0;
            if (!excluded[b]) {
                double wNorm = Math.sqrt(wSq);
                double uNorm = Math.sqrt(uSq);
                if (wNorm != 0 && uNorm != 0) {
                    ratio = Math.min(wNorm, maxTrust) / uNorm;
                }
            }
            lastTrust[b] = ratio;
            final double coef = lr * ratio;
            for (int i = from; i < to; i++) {
                update[i] = (float) (coef * u[i]);
            }
        }
    }

    /** The trust ratios phi(||w_l||) / ||u_l|| of the last step, one per block (NaN before the first step). */
    public double[] lastTrustRatios() {
        return lastTrust.clone();
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

    public double weightDecay() {
        return weightDecay;
    }

    public double maxTrust() {
        return maxTrust;
    }

    public boolean excludeBiases() {
        return excludeBiases;
    }

    @Override
    public String name() {
        return "lamb";
    }
}
