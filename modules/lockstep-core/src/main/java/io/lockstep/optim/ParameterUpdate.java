package io.lockstep.optim;

import io.lockstep.model.ParamLayout;

import java.io.Serializable;
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
 * <h2>Parameter roles</h2>
 * Only trainable blocks ({@link io.lockstep.model.ParamRole#WEIGHT}, {@code BIAS}) go through steps 2–4,
 * with the gradient of every other block set to zero inside the optimizer. A running-statistic block
 * ({@code RUNNING_STAT}, batch-norm mean/variance) carries in {@code meanGradient} the count-weighted mean
 * of DL4J's per-pass final updates; it is applied exactly as DL4J applies it — {@code w -= delta}, no
 * optimizer, no regularization. A {@code FROZEN} block never changes. Clipping and gradient norms are the
 * caller's, over trainable blocks only ({@link ParamLayout#trainableMask()}).
 *
 * <h2>LARS and LAMB</h2>
 * The layer-wise rules ({@link LarsOptimizer}, {@link LambOptimizer}; {@link OptimizerType#layerwise()})
 * get the {@link ParamLayout} and use {@link OptimizerConfig#weightDecay()} as their own coefficient
 * (LARS beta, LAMB lambda), applied <i>inside</i> the rule where the papers put it (in the trust ratio
 * and the direction). Step 4 is therefore <b>skipped</b> for them: the decay is not added twice. Step 2
 * (L2, {@code g += l2 * w} on weights) stays generic for every type, so for LARS/LAMB it also enters
 * the gradient norm of the trust ratio.
 *
 * <h2>Momentum correction (Goyal et al. 2017, arXiv 1706.02677, section 2.1)</h2>
 * Nesterov (DL4J's form {@code v = mu*v - lr*g}) and LARS ({@code v = m*v + lr*lambda*(g + beta*w)})
 * keep the learning rate inside their velocity. When {@link OptimizerConfig#momentumCorrection()} is
 * set (the default) and this step's rate lr_t differs from the previous rate lr_{t-1}, the velocity is
 * multiplied by lr_t / lr_{t-1} before the update ({@link Optimizer#rescaleVelocity}), which makes the
 * step equal to the lr-free form {@code v = m*v + g; w -= lr_t*v}. With the flag off, Nesterov is
 * DL4J's uncorrected rule. SGD, Adam and LAMB are unaffected. "Previous rate" means the last
 * <i>positive</i> rate applied: a step with lr = 0 neither rescales nor becomes the reference (the
 * velocity still carries the last positive rate), so warmups starting at 0 are handled. Constant
 * rates change nothing, bit for bit.
 *
 * <h2>Rollback</h2>
 * {@link #snapshot()} / {@link #restore(Snapshot)} capture and restore <i>all</i> state of this object
 * (the optimizer arrays and the previous learning rate); steps after a restore are bit-identical to
 * the steps after the snapshot. {@link #state()} / {@link #restoreState(float[][])} cover only the
 * optimizer arrays.
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
    /** Element ranges {from, to} of running-statistic and of frozen blocks (empty for plain models). */
    private final int[][] statRanges;
    private final int[][] frozenRanges;
    private final float[] statDelta;
    private final int n;
    private final float[] scratch;
    private final float[] update;
    /** Last positive learning rate applied (the one the velocity carries); NaN before the first. */
    private double previousLr = Double.NaN;

    public ParameterUpdate(OptimizerConfig config, ParamLayout layout) {
        this.config = Objects.requireNonNull(config, "config");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.n = layout.numParams();
        this.optimizer = config.newOptimizer(layout);
        this.weightMask = layout.weightMask();
        this.statRanges = layout.ranges(io.lockstep.model.ParamRole.RUNNING_STAT);
        this.frozenRanges = layout.ranges(io.lockstep.model.ParamRole.FROZEN);
        this.statDelta = statRanges.length == 0 ? new float[0] : new float[n];
        this.scratch = new float[n];
        this.update = new float[n];
    }

    /**
     * One training step: {@code params -= update(meanGradient + l2*w) + wd*lr*w} (regularization on
     * weights only; for LARS/LAMB the weight decay is inside {@code update}, see the class comment).
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
        // validate before touching any state (the velocity rescale below mutates it)
        if (!Double.isFinite(lr) || lr < 0) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0 (got " + lr + ")");
        }
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0 (got " + iteration + ")");
        }
        final boolean[] mask = weightMask;
        for (int[] r : statRanges) {
            System.arraycopy(scratch, r[0], statDelta, r[0], r[1] - r[0]);
            java.util.Arrays.fill(scratch, r[0], r[1], 0f);
        }
        for (int[] r : frozenRanges) {
            java.util.Arrays.fill(scratch, r[0], r[1], 0f);
        }
        if (config.l2() > 0) {
            final float l2 = (float) config.l2();
            for (int i = 0; i < n; i++) {
                if (mask[i]) {
                    scratch[i] = scratch[i] + l2 * params[i];
                }
            }
        }
        if (lr > 0) {
            if (config.momentumCorrection() && previousLr > 0 && lr != previousLr) {
                optimizer.rescaleVelocity(lr / previousLr); // no-op unless the velocity carries lr
            }
            previousLr = lr;
        }
        optimizer.computeUpdate(params, scratch, lr, iteration, update);
        if (config.weightDecay() > 0 && !config.type().layerwise()) {
            final float wd = (float) (config.weightDecay() * lr);
            for (int i = 0; i < n; i++) {
                if (mask[i]) {
                    update[i] = update[i] + wd * params[i];
                }
            }
        }
        for (int[] r : statRanges) {
            System.arraycopy(statDelta, r[0], update, r[0], r[1] - r[0]);
        }
        for (int[] r : frozenRanges) {
            java.util.Arrays.fill(update, r[0], r[1], 0f);
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

    /**
     * Deep copy of the optimizer arrays only (not the previous learning rate used by momentum
     * correction); prefer {@link #snapshot()} for rollback.
     */
    public float[][] state() {
        return optimizer.state();
    }

    /**
     * Restores optimizer arrays previously returned by {@link #state()} (copied); leaves the previous
     * learning rate unchanged. Prefer {@link #restore(Snapshot)} for rollback.
     */
    public void restoreState(float[][] state) {
        optimizer.restoreState(state);
    }

    /**
     * The last positive learning rate applied, which the velocity of Nesterov/LARS carries and momentum
     * correction scales from; NaN before the first step with lr &gt; 0.
     */
    public double previousLr() {
        return previousLr;
    }

    /** Immutable deep copy of all mutable state (optimizer arrays and previous learning rate). */
    public Snapshot snapshot() {
        return new Snapshot(optimizer.name(), optimizer.state(), previousLr);
    }

    /**
     * Restores everything {@link #snapshot()} captured; subsequent steps are bit-identical to those that
     * followed the snapshot. The snapshot stays usable (it is copied, not shared).
     *
     * @throws IllegalArgumentException if the snapshot comes from another optimizer type or size
     */
    public void restore(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (!snapshot.optimizerName.equals(optimizer.name())) {
            throw new IllegalArgumentException("snapshot is of optimizer '" + snapshot.optimizerName
                    + "', this ParameterUpdate uses '" + optimizer.name() + "'");
        }
        optimizer.restoreState(snapshot.state); // validates shapes and copies
        previousLr = snapshot.previousLr;
    }

    /**
     * All mutable state of a {@link ParameterUpdate} at one point: immutable (arrays are copied in and
     * out), serializable, independent of the object it was taken from.
     */
    public static final class Snapshot implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String optimizerName;
        private final float[][] state;
        private final double previousLr;

        private Snapshot(String optimizerName, float[][] ownedState, double previousLr) {
            this.optimizerName = optimizerName;
            this.state = ownedState;
            this.previousLr = previousLr;
        }

        /**
         * A snapshot with these fields (as read back from a checkpoint); the arrays are copied.
         * {@link ParameterUpdate#restore} checks them against its optimizer.
         */
        public static Snapshot of(String optimizerName, float[][] optimizerState, double previousLr) {
            Objects.requireNonNull(optimizerName, "optimizerName");
            float[][] copy = new float[optimizerState.length][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = optimizerState[i].clone();
            }
            return new Snapshot(optimizerName, copy, previousLr);
        }

        /** The optimizer's {@link Optimizer#name()}. */
        public String optimizerName() {
            return optimizerName;
        }

        /** Deep copy of the optimizer arrays. */
        public float[][] optimizerState() {
            float[][] copy = new float[state.length][];
            for (int i = 0; i < state.length; i++) {
                copy[i] = state[i].clone();
            }
            return copy;
        }

        /** See {@link ParameterUpdate#previousLr()}. */
        public double previousLr() {
            return previousLr;
        }
    }
}
