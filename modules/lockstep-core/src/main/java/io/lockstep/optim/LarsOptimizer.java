package io.lockstep.optim;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;

import java.util.List;
import java.util.Objects;

/**
 * LARS, layer-wise adaptive rate scaling (Y. You, I. Gitman, B. Ginsburg, "Large Batch Training of
 * Convolutional Networks", 2017, arXiv 1708.03888, Algorithm 1). For every parameter block l of the
 * {@link ParamLayout} (one DL4J parameter array, e.g. a layer's W) and learning rate gamma_t:
 * <pre>
 *   lambda_l = tau * ||w_l|| / (||g_l|| + beta * ||w_l||)     (local learning rate, "trust ratio")
 *   v_l      = m * v_l + gamma_t * lambda_l * (g_l + beta * w_l)
 *   update_l = v_l                                              (params -= update)
 * </pre>
 * with tau = {@link OptimizerConfig#trustCoefficient()}, beta = {@link OptimizerConfig#weightDecay()}
 * (the weight decay lives here, inside the rule) and m = {@link OptimizerConfig#momentum()}.
 * Guard: lambda_l = 1 when ||w_l|| = 0 or ||g_l|| = 0. Blocks with {@link ParamBlock#bias()} are,
 * when {@code excludeBiases} is set (the usual practice), updated with lambda = 1 and without the
 * beta term, i.e. plain momentum SGD. Blocks that are not trainable ({@link ParamBlock#trainable()}: running
 * statistics, frozen layers) are always excluded: they get a zero gradient from {@link ParameterUpdate}, so
 * their velocity stays zero and they never enter a trust ratio.
 *
 * <p>Arithmetic: norms and the element update in double, state stored as float32; the result is
 * deterministic. State: one array, the velocity v, which carries the learning rate, so
 * {@link #rescaleVelocity(double)} implements Goyal et al.'s momentum correction. DL4J has no LARS.
 */
public final class LarsOptimizer extends AbstractOptimizer {
    private final double momentum;
    private final double trustCoefficient;
    private final double weightDecay;
    private final boolean excludeBiases;
    private final int[] start;
    private final int[] end;
    private final boolean[] excluded;
    private final double[] lastTrust;

    /**
     * @param layout           parameter blocks (one trust ratio each)
     * @param momentum         m, in [0, 1)
     * @param trustCoefficient tau, finite and &gt; 0
     * @param weightDecay      beta, finite and &ge; 0
     * @param excludeBiases    bias blocks get lambda = 1 and no weight decay
     */
    public LarsOptimizer(ParamLayout layout, double momentum, double trustCoefficient, double weightDecay,
                         boolean excludeBiases) {
        super(Objects.requireNonNull(layout, "layout").numParams(), 1);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) (got " + momentum + ")");
        }
        if (!(Double.isFinite(trustCoefficient) && trustCoefficient > 0)) {
            throw new IllegalArgumentException("trustCoefficient must be finite and > 0 (got " + trustCoefficient + ")");
        }
        if (!(Double.isFinite(weightDecay) && weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0 (got " + weightDecay + ")");
        }
        this.momentum = momentum;
        this.trustCoefficient = trustCoefficient;
        this.weightDecay = weightDecay;
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
    }

    @Override
    public void computeUpdate(float[] params, float[] grad, double lr, long iteration, float[] update) {
        check(params, grad, lr, iteration, update);
        final double m = momentum;
        final float[] v = state[0];
        for (int b = 0; b < start.length; b++) {
            final int from = start[b];
            final int to = end[b];
            final double beta = excluded[b] ? 0.0 : weightDecay;
            double trust = 1.0;
            if (!excluded[b]) {
                double wSq = 0;
                double gSq = 0;
                for (int i = from; i < to; i++) {
                    double w = params[i];
                    double g = grad[i];
                    wSq += w * w;
                    gSq += g * g;
                }
                double wNorm = Math.sqrt(wSq);
                double gNorm = Math.sqrt(gSq);
                if (wNorm != 0 && gNorm != 0) {
                    trust = trustCoefficient * wNorm / (gNorm + beta * wNorm);
                }
            }
            lastTrust[b] = trust;
            final double coef = lr * trust;
            for (int i = from; i < to; i++) {
                float vi = (float) (m * v[i] + coef * (grad[i] + beta * params[i]));
                v[i] = vi;
                update[i] = vi;
            }
        }
    }

    /** {@code v *= (float) ratio} (momentum correction; see {@link Optimizer#rescaleVelocity}). */
    @Override
    public void rescaleVelocity(double ratio) {
        scaleState(0, ratio);
    }

    /** The local learning rates lambda_l of the last step, one per block (NaN before the first step). */
    public double[] lastTrustRatios() {
        return lastTrust.clone();
    }

    public double momentum() {
        return momentum;
    }

    public double trustCoefficient() {
        return trustCoefficient;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean excludeBiases() {
        return excludeBiases;
    }

    @Override
    public String name() {
        return "lars";
    }
}
