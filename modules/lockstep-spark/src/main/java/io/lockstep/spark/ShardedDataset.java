package io.lockstep.spark;

import io.lockstep.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * A dataset spread over P cached partitions, one {@link Shard} each: partition p owns the global
 * examples {@code [bounds[p], bounds[p+1])}. Built once per run; steps only ship example indices,
 * never data.
 */
public final class ShardedDataset {
    private final JavaRDD<Shard> shards;
    private final int[] bounds;
    private final int size;
    private final int numFeatures;
    private final int numClasses;

    private ShardedDataset(JavaRDD<Shard> shards, int[] bounds, int size, int numFeatures, int numClasses) {
        this.shards = shards;
        this.bounds = bounds;
        this.size = size;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
    }

    /**
     * Distributes an in-memory dataset over {@code partitions} cached partitions of near-equal size.
     * The data travels once, as a broadcast that each partition cuts its range from; the broadcast's
     * executor copies are released once the shards are cached (the driver keeps it so lost
     * partitions can be rebuilt).
     */
    public static ShardedDataset distribute(JavaSparkContext sc, Dataset data, int partitions) {
        if (partitions < 1 || partitions > data.size()) {
            throw new IllegalArgumentException("cannot split " + data.size() + " examples of " + data.name()
                    + " into " + partitions + " partitions");
        }
        int[] bounds = new int[partitions + 1];
        for (int p = 0; p <= partitions; p++) {
            bounds[p] = (int) ((long) data.size() * p / partitions);
        }
        Broadcast<Dataset> all = sc.broadcast(data);
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        JavaRDD<Shard> shards = sc.parallelize(ids, partitions)
                .map(p -> Shard.cut(all.value(), p, bounds[p], bounds[p + 1]))
                .setName("lockstep shards of " + data.name())
                .persist(StorageLevel.MEMORY_ONLY());
        shards.count();
        all.unpersist(false);
        return new ShardedDataset(shards, bounds, data.size(), data.numFeatures(), data.numClasses());
    }

    public int size() { return size; }
    public int numPartitions() { return bounds.length - 1; }
    public int numFeatures() { return numFeatures; }
    public int numClasses() { return numClasses; }

    JavaRDD<Shard> shards() { return shards; }

    /**
     * Splits a global batch by ownership: entry p lists the local row indices (in batch order) of the
     * examples partition p holds. Shares are uneven in general and may be empty.
     */
    public int[][] split(int[] globalBatch) {
        int parts = numPartitions();
        int[] counts = new int[parts];
        int[] owner = new int[globalBatch.length];
        for (int i = 0; i < globalBatch.length; i++) {
            owner[i] = ownerOf(globalBatch[i]);
            counts[owner[i]]++;
        }
        int[][] rows = new int[parts][];
        for (int p = 0; p < parts; p++) {
            rows[p] = new int[counts[p]];
            counts[p] = 0;
        }
        for (int i = 0; i < globalBatch.length; i++) {
            int p = owner[i];
            rows[p][counts[p]++] = globalBatch[i] - bounds[p];
        }
        return rows;
    }

    private int ownerOf(int example) {
        if (example < 0 || example >= size) {
            throw new IllegalArgumentException("example index " + example + " outside [0, " + size + ")");
        }
        int p = java.util.Arrays.binarySearch(bounds, example);
        return p >= 0 ? p : -p - 2;
    }

    /** Drops the cached shards. */
    public void release() {
        shards.unpersist(false);
    }
}
