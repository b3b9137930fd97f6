package io.lockstep.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * An in-memory labelled dataset in compact form: features row-major in one {@code float[]}
 * ({@code size × numFeatures}), integer class labels in {@code [0, numClasses)}.
 *
 * <p>Immutable by contract: callers must not modify the arrays returned by {@link #features()}
 * and {@link #labels()}.
 */
public final class Dataset implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final float[] features;
    private final int[] labels;
    private final int numFeatures;
    private final int numClasses;

    /**
     * @param name        human-readable origin (file name, "synthetic", ...) used in error messages
     * @param features    row-major features, length {@code labels.length * numFeatures}
     * @param labels      class index per example
     * @param numFeatures features per example
     * @param numClasses  number of classes; every label must be below it
     * @throws DataException if the shapes disagree or a label is out of range
     */
    public Dataset(String name, float[] features, int[] labels, int numFeatures, int numClasses) {
        this.name = Objects.requireNonNull(name, "name");
        this.features = Objects.requireNonNull(features, "features");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (numFeatures <= 0) {
            throw new DataException(name + ": numFeatures must be positive (got " + numFeatures + ")");
        }
        if (numClasses <= 1) {
            throw new DataException(name + ": numClasses must be at least 2 (got " + numClasses + ")");
        }
        if ((long) labels.length * numFeatures != features.length) {
            throw new DataException(name + ": " + labels.length + " labels but " + features.length
                    + " feature values (expected " + ((long) labels.length * numFeatures) + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new DataException(name + ": label " + labels[i] + " at example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
    }

    public String name() { return name; }
    public int size() { return labels.length; }
    public int numFeatures() { return numFeatures; }
    public int numClasses() { return numClasses; }
    /** Row-major features; do not modify. */
    public float[] features() { return features; }
    /** Labels; do not modify. */
    public int[] labels() { return labels; }

    /** A copy of examples {@code [from, to)} as a new dataset. */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + size() + ")");
        }
        float[] f = new float[(to - from) * numFeatures];
        System.arraycopy(features, from * numFeatures, f, 0, f.length);
        int[] l = new int[to - from];
        System.arraycopy(labels, from, l, 0, l.length);
        return new Dataset(name, f, l, numFeatures, numClasses);
    }
}
