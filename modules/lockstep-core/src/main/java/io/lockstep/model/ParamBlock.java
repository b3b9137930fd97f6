package io.lockstep.model;

import java.io.Serializable;

/**
 * One named parameter array of one layer inside the flat parameter vector: elements
 * {@code [offset, offset + length)}.
 *
 * @param layer  layer index in the network
 * @param name   DL4J parameter key ("W", "b", ...)
 * @param offset first index in the flat vector
 * @param length number of elements
 * @param bias   true for every parameter that is not a weight in DL4J's sense (biases, batch-norm
 *               statistics, ...): never regularized, optionally excluded from LARS/LAMB
 */
public record ParamBlock(int layer, String name, int offset, int length, boolean bias) implements Serializable {
    public int end() { return offset + length; }
}
