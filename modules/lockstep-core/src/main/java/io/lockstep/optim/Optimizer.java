package io.lockstep.optim;

/**
 * A stateful element-wise update rule on the flat parameter vector, numerically identical to the
 * corresponding DL4J 1.0.0-M2.1 {@code GradientUpdater} (float32 arithmetic, as libnd4j does it
 * for FLOAT arrays).
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

    /** Number of parameters this optimizer was sized for. */
    int numParams();

    /** Short name, e.g. "adam". */
    String name();
}
