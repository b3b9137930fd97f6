package io.lockstep.spark;

import java.util.Arrays;
import org.apache.spark.Partitioner;

/**
 * Sends the global example index {@code i} (a {@code Long} key) to the partition p whose range
 * {@code [bounds[p], bounds[p+1])} contains it: the partitioning of a {@link ShardedDataset}.
 */
final class IndexRangePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int[] bounds;

    IndexRangePartitioner(int[] bounds) {
        this.bounds = bounds.clone();
    }

    @Override
    public int numPartitions() {
        return bounds.length - 1;
    }

    @Override
    public int getPartition(Object key) {
        long i = (Long) key;
        if (i < 0 || i >= bounds[bounds.length - 1]) {
            throw new IllegalArgumentException("example index " + i + " outside [0, " + bounds[bounds.length - 1] + ")");
        }
        int p = Arrays.binarySearch(bounds, (int) i);
        return p >= 0 ? p : -p - 2; // bounds are strictly increasing (P <= N)
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexRangePartitioner other && Arrays.equals(bounds, other.bounds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds);
    }
}
