package io.lockstep.model;

/**
 * What a block of the flat parameter vector is, as DL4J itself decides it (never guessed from names):
 * see {@link ModelAdapter} for how each role is read off the network.
 */
public enum ParamRole {
    /** A trainable weight (DL4J's initializer calls it a weight parameter): optimized, regularized. */
    WEIGHT,
    /** Any other trainable parameter (biases, batch-norm gamma/beta, ...): optimized, never regularized. */
    BIAS,
    /**
     * A running statistic (batch-norm mean and variance or log10 std): DL4J stores it in the parameter
     * vector, and its slot of the flattened "gradient" is not a gradient but the final update of one
     * forward pass ({@code Trainable.updaterDivideByMinibatch(param)} is false, updater {@code NoOp}).
     * Combined as the example-count-weighted mean over forward passes and subtracted, with no optimizer,
     * regularization or clipping; excluded from norms, trust ratios and the noise scale.
     */
    RUNNING_STAT,
    /** A parameter of a DL4J frozen layer ({@code FrozenLayer}, {@code FrozenLayerWithBackprop}): never changes. */
    FROZEN;

    /** True for the roles the optimizer updates from gradients. */
    public boolean trainable() {
        return this == WEIGHT || this == BIAS;
    }
}
