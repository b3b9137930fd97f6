package io.lockstep.spark;

import io.lockstep.data.Dataset;
import java.io.Serializable;

/**
 * The examples one partition reads. A <b>sharded</b> shard holds (cached on its executor for the whole
 * run) the contiguous global range {@code [from, to)} of the dataset as compact arrays, and rows are
 * local ({@code 0 .. to-from}). A <b>replica</b> shard refers to its executor's one copy of the whole
 * dataset (rows are global indices) and evaluates the range {@code [from, to)}.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 2L;

    final int index;
    final int from;
    final int to;
    final float[] features;
    final int[] labels;
    private final boolean replica;

    private Shard(int index, int from, int to, float[] features, int[] labels, boolean replica) {
        this.index = index;
        this.from = from;
        this.to = to;
        this.features = features;
        this.labels = labels;
        this.replica = replica;
    }

    /** A shard from arrays already cut to the global range {@code [from, to)}. */
    static Shard of(int index, int from, int to, float[] features, int[] labels) {
        return new Shard(index, from, to, features, labels, false);
    }

    static Shard cut(Dataset data, int index, int from, int to) {
        Dataset part = data.slice(from, to);
        return new Shard(index, from, to, part.features(), part.labels(), false);
    }

    /** Partition {@code index}'s view of a replicated dataset; it evaluates {@code [from, to)}. */
    static Shard replica(int index, int from, int to, Dataset all) {
        return new Shard(index, from, to, all.features(), all.labels(), true);
    }

    /** First row (in this shard's row numbering) that this partition evaluates. */
    int evalFrom() {
        return replica ? from : 0;
    }

    /** End (exclusive) of the rows this partition evaluates. */
    int evalTo() {
        return replica ? to : to - from;
    }
}
