package io.lockstep.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * One labelled example on its way to a {@link Shard}: a class label and its feature row. Used as the
 * value of the {@code (global index, example)} pairs that {@link ShardedDataset#fromIndexed} shards.
 * Immutable by contract: do not modify {@link #features()}.
 */
public final class Example implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int label;
    private final float[] features;

    public Example(int label, float[] features) {
        this.label = label;
        this.features = Objects.requireNonNull(features, "features");
    }

    public int label() { return label; }

    /** The feature row; do not modify. */
    public float[] features() { return features; }
}
