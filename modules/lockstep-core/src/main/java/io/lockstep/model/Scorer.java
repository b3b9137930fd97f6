package io.lockstep.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference-mode forward passes of one network holding fixed parameters (batch-norm running statistics,
 * no dropout): class probabilities for a batch of feature rows. Not thread-safe, like DL4J's networks:
 * one scorer per thread or task.
 */
public final class Scorer {
    private final Network net;
    private final int numFeatures;
    private final int numClasses;

    Scorer(Network net, int numFeatures, int numClasses) {
        this.net = net;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
    }

    public int numFeatures() { return numFeatures; }
    public int numClasses() { return numClasses; }

    /**
     * The softmax outputs of {@code rows} examples, row-major ({@code rows × numClasses}).
     *
     * @param features row-major {@code rows × numFeatures} values (exactly that many)
     */
    public float[] probabilities(float[] features, int rows) {
        if (features.length != (long) rows * numFeatures) {
            throw new IllegalArgumentException("expected " + rows + " rows of " + numFeatures + " features, got "
                    + features.length + " values");
        }
        INDArray out = net.output(Nd4j.create(features, new long[] {rows, numFeatures}, 'c'));
        float[] p = Nd4j.toFlattened('c', out).toFloatVector();
        net.clear();
        return p;
    }
}
