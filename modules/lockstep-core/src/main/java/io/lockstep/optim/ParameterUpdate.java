package io.lockstep.optim;

import io.lockstep.model.ParamLayout;

import java.util.Objects;

/**
 * The driver-side training step: one regularized optimizer update of the flat parameter vector,
 * numerically identical to what DL4J 1.0.0-M2.1's {@code MultiLayerUpdater} + {@code fit} do for a
 * {@code MultiLayerNetwork} on the whole global batch.
 *
 * <h2>What the input is</h2>
 * {@link #apply} takes the <b>mean</b> gradient over the global batch: the executors' gradient
 * <i>sums</i> added up and divided once by the global batch size B, <b>without</b> any
 * regularization term. ({@link #applySum} does that division itself, as DL4J does: element / (float) B.)
 * DL4J's {@code MultiLayerNetwork.computeGradientAndScore()} yields exactly such a sum: the
 * gradient is summed over the examples (not divided by the mini-batch size) and does <b>not</b>
 * contain the L2 / weight-decay terms (those are added by the updater; only the <i>score</i>
 * includes the regularization penalty). This is checked by {@code ParameterUpdateDl4jTest}.
 *
 * <h2>Order of operations (DL4J's, confirmed by test)</h2>
 * <ol>
 *   <li>DL4J: divide the summed gradient by the mini-batch size (here: done by the caller, once, by B);</li>
 *   <li>L2 ({@code L2Regularization}, BEFORE_UPDATER): {@code g += l2 * w};</li>
 *   <li>the optimizer ({@link Optimizer}) turns g into an update;</li>
 *   <li>weight decay ({@code WeightDecay}, applyLR = true, POST_UPDATER): {@code update += wd * lr * w};</li>
 *   <li>{@code w -= update}.</li>
 * </ol>
 * Steps 2 and 4 apply only to weights (non-bias parameters, {@link ParamLayout#weightMask()}), as
 * with DL4J's default {@code l2Bias = weightDecayBias = 0}. Regularization therefore happens
 * <b>once, on the driver</b>, never inside the executors' sums (which would multiply it by the
 * number of executors).
 *
 * <p>DL4J baselines: configure regularization per layer ({@code layer.regularization(list)}) for a
 * like-for-like comparison. DL4J M2.1's global {@code NeuralNetConfiguration.Builder.weightDecay(c)}
 * attaches <i>two</i> {@code WeightDecay(c)} instances to every layer (effective decay 2c) and
 * {@code .l2(a).weightDecay(c)} silently drops the L2 term; the global {@code .l2(a)} alone is
 * exact. (Checked by {@code ParameterUpdateDl4jTest.dl4jGlobalBuilderQuirks}.)
 *
 * <p>{@code meanGradient} is never modified (it is copied into a scratch buffer reused across
 * steps). Not thread-safe.
 */
public final class ParameterUpdate {
    private final OptimizerConfig config;
    private final ParamLayout layout;
    private final Optimizer optimizer;
    private final boolean[] weightMask;
    private final int n;
    private final float[] scratch;
    private final float[] update;

    public ParameterUpdate(OptimizerConfig config, ParamLayout layout) {
        this.config = Objects.requireNonNull(config, "config");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.n = layout.numParams();
        this.optimizer = config.newOptimizer(n);
        this.weightMask = layout.weightMask();
        this.scratch = new float[n];
        this.update = new float[n];
    }

    /**
     * One training step: {@code params -= update(meanGradient + l2*w) + wd*lr*w} (regularization on
     * weights only).
     *
     * @param params       flat parameters, updated in place
     * @param meanGradient gradient SUM / B over the global batch, without regularization; not modified
     * @param lr           learning rate of this step (after scaling/warmup/schedule)
     * @param iteration    0-based global step index (DL4J's iteration count)
     */
    public void apply(float[] params, float[] meanGradient, double lr, long iteration) {
        checkLength("meanGradient", meanGradient);
        System.arraycopy(meanGradient, 0, scratch, 0, n);
        step(params, lr, iteration);
    }

    /**
     * Like {@link #apply}, but takes the gradient SUM over the global batch and divides it by
     * {@code batchSize} first (element / (float) batchSize, as DL4J's {@code divi}).
     *
     * @param gradientSum summed (not averaged) gradient over all {@code batchSize} examples; not modified
     */
    public void applySum(float[] params, float[] gradientSum, long batchSize, double lr, long iteration) {
        checkLength("gradientSum", gradientSum);
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0 (got " + batchSize + ")");
        }
        final float b = (float) batchSize;
        for (int i = 0; i < n; i++) {
            scratch[i] = gradientSum[i] / b;
        }
        step(params, lr, iteration);
    }

    private void step(float[] params, double lr, long iteration) {
        checkLength("params", params);
        final boolean[] mask = weightMask;
        if (config.l2() > 0) {
            final float l2 = (float) config.l2();
            for (int i = 0; i < n; i++) {
                if (mask[i]) {
                    scratch[i] = scratch[i] + l2 * params[i];
                }
            }
        }
        optimizer.computeUpdate(params, scratch, lr, iteration, update);
        if (config.weightDecay() > 0) {
            final float wd = (float) (config.weightDecay() * lr);
            for (int i = 0; i < n; i++) {
                if (mask[i]) {
                    update[i] = update[i] + wd * params[i];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            params[i] -= update[i];
        }
    }

    private void checkLength(String what, float[] a) {
        if (a.length != n) {
            throw new IllegalArgumentException(what + " has length " + a.length + ", expected " + n);
        }
    }

    /** The last update applied (params_before - params_after); a view, overwritten by the next step. */
    public float[] lastUpdate() {
        return update;
    }

    public OptimizerConfig config() {
        return config;
    }

    public ParamLayout layout() {
        return layout;
    }

    /** The underlying optimizer (for state inspection). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Deep copy of the optimizer state, for checkpoints and rollback. */
    public float[][] state() {
        return optimizer.state();
    }

    /** Restores a state previously returned by {@link #state()} (copied). */
    public void restoreState(float[][] state) {
        optimizer.restoreState(state);
    }
}
