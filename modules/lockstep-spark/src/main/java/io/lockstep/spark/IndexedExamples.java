package io.lockstep.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * A distributed, not yet sharded dataset: examples keyed by their global index {@code 0..size-1},
 * computed lazily from their source (e.g. a table read by {@link SqlTables}). Nothing is cached until
 * {@link #shard}; every {@code shard} call reads the source once more.
 */
public final class IndexedExamples {
    private final JavaPairRDD<Long, Example> rows;
    private final int size;
    private final int numFeatures;
    private final int numClasses;
    private final String name;

    /** The keys of {@code rows} must be exactly {@code 0..size-1}; rows must be valid (see {@link SqlTables}). */
    public IndexedExamples(JavaPairRDD<Long, Example> rows, int size, int numFeatures, int numClasses, String name) {
        this.rows = rows;
        this.size = size;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.name = name;
    }

    public JavaPairRDD<Long, Example> rows() { return rows; }
    public int size() { return size; }
    public int numFeatures() { return numFeatures; }
    public int numClasses() { return numClasses; }
    public String name() { return name; }

    /** Cached shards over {@code partitions} partitions: see {@link ShardedDataset#fromIndexed}. */
    public ShardedDataset shard(int partitions) {
        return ShardedDataset.fromIndexed(rows, size, numFeatures, numClasses, partitions, name);
    }

    /** The two parts of a hold-out split. */
    public record Split(IndexedExamples train, IndexedExamples validation) {}

    /**
     * Holds out {@code round(fraction × N)} examples chosen with {@code seed}, exactly as
     * {@link io.lockstep.data.HoldOut#split} chooses them; each part is renumbered {@code 0..n-1} in
     * the original order. Only the choice (one bit per example) is made on the driver.
     *
     * @throws io.lockstep.data.DataException if the fraction is outside (0, 1) or leaves a part empty
     */
    public Split holdOut(double fraction, long seed) {
        HoldOutIndex index = HoldOutIndex.choose(name, size, fraction, seed);
        Broadcast<HoldOutIndex> bc = JavaSparkContext.fromSparkContext(rows.context()).broadcast(index);
        JavaPairRDD<Long, Example> train = rows.filter(r -> !bc.value().isHeld(r._1()))
                .mapToPair(r -> new Tuple2<>((long) bc.value().trainIndex(r._1()), r._2()));
        JavaPairRDD<Long, Example> validation = rows.filter(r -> bc.value().isHeld(r._1()))
                .mapToPair(r -> new Tuple2<>((long) bc.value().validationIndex(r._1()), r._2()));
        return new Split(new IndexedExamples(train, size - index.held(), numFeatures, numClasses, name + " (train)"),
                new IndexedExamples(validation, index.held(), numFeatures, numClasses, name + " (validation)"));
    }
}
