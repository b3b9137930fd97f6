package io.lockstep.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * One named parameter array of one layer inside the flat parameter vector: elements
 * {@code [offset, offset + length)}.
 *
 * @param layer  layer index (MultiLayerNetwork) or vertex name (ComputationGraph)
 * @param name   DL4J parameter key ("W", "b", "gamma", "mean", ...)
 * @param offset first index in the flat vector
 * @param length number of elements
 * @param role   what the block is ({@link ParamRole}), as DL4J decides it
 */
public record ParamBlock(String layer, String name, int offset, int length, ParamRole role) implements Serializable {
    public ParamBlock {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }

    /** A trainable block of layer {@code layer}: a weight, or (with {@code bias}) a bias. */
    public ParamBlock(int layer, String name, int offset, int length, boolean bias) {
        this(String.valueOf(layer), name, offset, length, bias ? ParamRole.BIAS : ParamRole.WEIGHT);
    }

    public int end() { return offset + length; }

    /** DL4J's flat parameter key, e.g. {@code "0_W"} or {@code "res1_conv_W"}. */
    public String key() { return layer + "_" + name; }

    /**
     * True for every block that is not a weight in DL4J's sense (biases, batch-norm parameters and
     * statistics, frozen blocks): never regularized, optionally excluded from LARS/LAMB.
     */
    public boolean bias() { return role != ParamRole.WEIGHT; }

    /** True when the optimizer updates this block from its gradient. */
    public boolean trainable() { return role.trainable(); }
}
