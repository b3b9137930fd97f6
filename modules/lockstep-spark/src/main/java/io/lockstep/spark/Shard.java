package io.lockstep.spark;

import io.lockstep.data.Dataset;
import java.io.Serializable;

/**
 * The examples one partition holds, cached on its executor for the whole run: the contiguous
 * global index range {@code [from, to)} of the dataset, as compact float/int arrays.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;

    final int index;
    final int from;
    final int to;
    final float[] features;
    final int[] labels;

    private Shard(int index, int from, int to, float[] features, int[] labels) {
        this.index = index;
        this.from = from;
        this.to = to;
        this.features = features;
        this.labels = labels;
    }

    /** A shard from arrays already cut to the global range {@code [from, to)}. */
    static Shard of(int index, int from, int to, float[] features, int[] labels) {
        return new Shard(index, from, to, features, labels);
    }

    static Shard cut(Dataset data, int index, int from, int to) {
        Dataset part = data.slice(from, to);
        return new Shard(index, from, to, part.features(), part.labels());
    }
}
