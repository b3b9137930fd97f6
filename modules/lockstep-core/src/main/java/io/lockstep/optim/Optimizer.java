package io.lockstep.optim;

/**
 * A stateful update rule on the flat parameter vector. SGD, Nesterov and Adam are element-wise and
 * numerically identical to the corresponding DL4J 1.0.0-M2.1 {@code GradientUpdater} (float32
 * arithmetic, as libnd4j does it for FLOAT arrays). LARS and LAMB (no DL4J counterpart) are
 * layer-wise: they scale each {@link io.lockstep.model.ParamBlock} by a trust ratio computed from
 * block norms (double precision norms, float32 state).
 *
 * <p>Not thread-safe. One instance per parameter vector; call {@link #computeUpdate} exactly once
 * per training step.
 */
public interface Optimizer {

    /**
     * Computes this step's update; the caller then applies {@code params -= update}.
     * Advances the optimizer state. Does not modify {@code params} or {@code grad}.
     *
     * @param params    current parameters (read only; needed by rules that look at w)
     * @param grad      the (already averaged and regularized) gradient
     * @param lr        learning rate for this step
     * @param iteration 0-based step index (Adam's bias correction uses iteration + 1)
     * @param update    output, same length as params
     */
    void computeUpdate(float[] params, float[] grad, double lr, long iteration, float[] update);

    /** Deep copy of the state arrays (possibly zero arrays for stateless rules). */
    float[][] state();

    /** Replaces the state by a deep copy of {@code state} (as returned by {@link #state()}). */
    void restoreState(float[][] state);

    /**
     * Multiplies the learning-rate-carrying velocity by {@code ratio} (Goyal et al. 2017,
     * arXiv 1706.02677, section 2.1, "momentum correction": when the learning rate changes from
     * lr_{t-1} to lr_t, the velocity is scaled by lr_t / lr_{t-1} before the step). Called by
     * {@link ParameterUpdate} only; the default is a no-op, which is right for rules whose state does
     * not contain the learning rate (SGD, Adam, LAMB). Overridden by {@link NesterovOptimizer} and
     * {@link LarsOptimizer}.
     *
     * @param ratio finite and &gt; 0
     */
    default void rescaleVelocity(double ratio) {
    }

    /** Number of parameters this optimizer was sized for. */
    int numParams();

    /** Short name, e.g. "adam". */
    String name();
}
