package io.lockstep.spark;

import io.lockstep.data.DataException;
import io.lockstep.data.DataPlacement;
import io.lockstep.data.Dataset;
import io.lockstep.data.GhostBatches;
import io.lockstep.data.StepShare;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A dataset spread over P partitions, one {@link Shard} each: partition p owns (and evaluates) the
 * global examples {@code [bounds[p], bounds[p+1])}. Built once per run; steps only ship example
 * indices, never data. Two {@linkplain DataPlacement placements}:
 * <ul>
 *   <li>{@link #distribute sharded}: partition p's cached shard holds only its range, and a step's share
 *       of partition p is the batch's examples it owns ({@link #owned}, binomially uneven);</li>
 *   <li>{@link #replicate replicated}: the whole set is broadcast once and every executor keeps one copy
 *       for all its tasks, so any partition can compute any ghost batch: the step's ghost batches are
 *       fixed slices of the batch, dealt to partitions in balanced ranges ({@link GhostBatches#deal}).</li>
 * </ul>
 */
public final class ShardedDataset {
    private final JavaRDD<Shard> shards;
    private final int[] bounds;
    private final int size;
    private final int numFeatures;
    private final int numClasses;
    private final DataPlacement placement;
    private final Broadcast<Dataset> replica;

    private ShardedDataset(JavaRDD<Shard> shards, int[] bounds, int size, int numFeatures, int numClasses,
                           DataPlacement placement, Broadcast<Dataset> replica) {
        this.shards = shards;
        this.bounds = bounds;
        this.size = size;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.placement = placement;
        this.replica = replica;
    }

    /**
     * Replicates an in-memory dataset to every executor for {@code partitions} gradient tasks per step:
     * one broadcast, fetched (and deserialized) once per executor JVM and shared by all tasks running
     * there. Partition p evaluates {@code [N·p/P, N·(p+1)/P)} of its replica. The partitions are not
     * cached: each task looks the replica up in its executor's block manager.
     */
    public static ShardedDataset replicate(JavaSparkContext sc, Dataset data, int partitions) {
        int[] bounds = bounds(data.size(), partitions, data.name());
        Broadcast<Dataset> bc = sc.broadcast(data);
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        JavaRDD<Shard> shards = sc.parallelize(ids, partitions)
                .map(p -> Shard.replica(p, bounds[p], bounds[p + 1], bc.value()))
                .setName("lockstep replica of " + data.name());
        return new ShardedDataset(shards, bounds, data.size(), data.numFeatures(), data.numClasses(),
                DataPlacement.REPLICATED, bc);
    }

    /**
     * This dataset in {@code placement}: itself if it already is, else a replica built from its shards
     * (collected once to the driver, which then needs the whole set in memory; this copy is released).
     */
    public ShardedDataset placed(JavaSparkContext sc, DataPlacement placement) {
        if (placement == this.placement) {
            return this;
        }
        if (placement == DataPlacement.SHARDED) {
            throw new IllegalArgumentException("a replicated dataset cannot be re-sharded; shard it from its source");
        }
        List<Shard> parts = new ArrayList<>(shards.collect());
        parts.sort(java.util.Comparator.comparingInt(sh -> sh.index));
        float[] features = new float[size * numFeatures];
        int[] labels = new int[size];
        for (Shard sh : parts) {
            System.arraycopy(sh.features, 0, features, sh.from * numFeatures, sh.features.length);
            System.arraycopy(sh.labels, 0, labels, sh.from, sh.labels.length);
        }
        String name = shards.name() == null ? "dataset" : shards.name().replace("lockstep shards of ", "");
        ShardedDataset replicated = replicate(sc, new Dataset(name, features, labels, numFeatures, numClasses),
                numPartitions());
        release();
        return replicated;
    }

    private static int[] bounds(int size, int partitions, String name) {
        if (partitions < 1 || partitions > size) {
            throw new IllegalArgumentException("cannot split " + size + " examples of " + name
                    + " into " + partitions + " partitions");
        }
        int[] bounds = new int[partitions + 1];
        for (int p = 0; p <= partitions; p++) {
            bounds[p] = (int) ((long) size * p / partitions);
        }
        return bounds;
    }

    /**
     * Distributes an in-memory dataset over {@code partitions} cached partitions of near-equal size.
     * The data travels once: the driver cuts the P shards and broadcasts each separately, so an
     * executor fetches only the shards of the partitions it computes (not the whole dataset); the
     * broadcasts' executor copies are released once the shards are cached (the driver keeps them so
     * lost partitions can be rebuilt). The shards are not the partitions of a parallelized
     * collection on purpose: a task ships its partition object, so every step would resend the data.
     */
    public static ShardedDataset distribute(JavaSparkContext sc, Dataset data, int partitions) {
        int[] bounds = bounds(data.size(), partitions, data.name());
        List<Broadcast<Shard>> parts = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(sc.broadcast(Shard.cut(data, p, bounds[p], bounds[p + 1])));
            ids.add(p);
        }
        JavaRDD<Shard> shards = sc.parallelize(ids, partitions)
                .map(p -> parts.get(p).value())
                .setName("lockstep shards of " + data.name())
                .persist(StorageLevel.MEMORY_ONLY());
        shards.count();
        parts.forEach(b -> b.unpersist(false));
        return new ShardedDataset(shards, bounds, data.size(), data.numFeatures(), data.numClasses(),
                DataPlacement.SHARDED, null);
    }

    /**
     * Shards examples that already carry their global index, e.g. rows of a Spark SQL table numbered in
     * read order ({@link SqlTables}). The examples move once, in a single shuffle that sends index i
     * to the partition owning it; each partition then builds its {@link Shard} with rows in global
     * index order. Ownership is the same as {@link #distribute} ({@code bounds[p] = N·p/P}), so the
     * same examples under the same indices give identical shards — and identical training — either
     * way. The data never passes through the driver.
     *
     * @param examples    {@code (global index, example)} pairs; the keys must be exactly {@code 0..size-1}
     * @param size        number of examples N
     * @param numFeatures features per example (every row must have exactly this many)
     * @param numClasses  number of classes; every label must be in {@code [0, numClasses)}
     * @param partitions  P, the number of shards ({@code 1 <= P <= N})
     * @param name        origin of the data (path, table) for messages
     * @throws DataException (from the shard-building job) if a row has the wrong number of features or
     *     a label out of range; {@link IllegalStateException} if the keys are not exactly {@code 0..N-1}
     */
    public static ShardedDataset fromIndexed(JavaPairRDD<Long, Example> examples, int size, int numFeatures,
                                             int numClasses, int partitions, String name) {
        int[] bounds = bounds(size, partitions, name);
        if (numFeatures <= 0 || numClasses <= 1) {
            throw new IllegalArgumentException(name + ": need at least 1 feature and 2 classes (got "
                    + numFeatures + " and " + numClasses + ")");
        }
        JavaRDD<Shard> shards = examples.partitionBy(new IndexRangePartitioner(bounds))
                .mapPartitionsWithIndex((p, rows) -> List.of(
                        assemble(rows, p, bounds[p], bounds[p + 1], numFeatures, numClasses, name)).iterator(), false)
                .setName("lockstep shards of " + name)
                .persist(StorageLevel.MEMORY_ONLY());
        shards.count();
        return new ShardedDataset(shards, bounds, size, numFeatures, numClasses, DataPlacement.SHARDED, null);
    }

    /** Places each row of partition {@code index} at its global index in compact arrays. */
    private static Shard assemble(Iterator<Tuple2<Long, Example>> rows, int index, int from, int to,
                                  int numFeatures, int numClasses, String name) {
        int n = to - from;
        float[] features = new float[n * numFeatures];
        int[] labels = new int[n];
        boolean[] filled = new boolean[n];
        int count = 0;
        while (rows.hasNext()) {
            Tuple2<Long, Example> row = rows.next();
            long global = row._1();
            long local = global - from;
            if (local < 0 || local >= n) {
                throw new IllegalStateException(name + ": example " + global + " reached partition " + index
                        + " which owns [" + from + ", " + to + ")");
            }
            int i = (int) local;
            if (filled[i]) {
                throw new IllegalStateException(name + ": example index " + global + " occurs twice");
            }
            Example e = row._2();
            if (e.features().length != numFeatures) {
                throw new DataException(name + ": example " + global + " has " + e.features().length
                        + " features, expected " + numFeatures);
            }
            if (e.label() < 0 || e.label() >= numClasses) {
                throw new DataException(name + ": label " + e.label() + " at example " + global
                        + " is outside [0, " + numClasses + ")");
            }
            System.arraycopy(e.features(), 0, features, i * numFeatures, numFeatures);
            labels[i] = e.label();
            filled[i] = true;
            count++;
        }
        if (count != n) {
            int missing = 0;
            while (filled[missing]) {
                missing++;
            }
            throw new IllegalStateException(name + ": partition " + index + " received " + count + " of the "
                    + n + " examples it owns; example " + (from + missing) + " is missing");
        }
        return Shard.of(index, from, to, features, labels);
    }

    public int size() { return size; }
    public int numPartitions() { return bounds.length - 1; }
    public int numFeatures() { return numFeatures; }
    public int numClasses() { return numClasses; }

    public DataPlacement placement() { return placement; }

    JavaRDD<Shard> shards() { return shards; }

    /**
     * The step's shares: per partition, the ghost batches of {@code ghostBatch} examples it computes
     * ({@link GhostBatches#deal} for replicated data, {@link GhostBatches#withinShares} of {@link #owned}
     * for sharded data).
     */
    public StepShare[] split(int[] globalBatch, int ghostBatch) {
        if (placement == DataPlacement.REPLICATED) {
            for (int e : globalBatch) {
                checkIndex(e);
            }
            return GhostBatches.deal(globalBatch, ghostBatch, numPartitions());
        }
        return GhostBatches.withinShares(owned(globalBatch), ghostBatch);
    }

    /**
     * Splits a global batch by ownership: entry p lists the local row indices (in batch order) of the
     * examples partition p owns. Shares are uneven in general and may be empty.
     */
    public int[][] owned(int[] globalBatch) {
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

    private void checkIndex(int example) {
        if (example < 0 || example >= size) {
            throw new IllegalArgumentException("example index " + example + " outside [0, " + size + ")");
        }
    }

    private int ownerOf(int example) {
        checkIndex(example);
        int p = java.util.Arrays.binarySearch(bounds, example);
        return p >= 0 ? p : -p - 2;
    }

    /** Drops the cached shards (or the replica's broadcast). */
    public void release() {
        shards.unpersist(false);
        if (replica != null) {
            replica.destroy();
        }
    }
}
