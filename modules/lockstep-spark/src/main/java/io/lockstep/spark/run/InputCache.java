package io.lockstep.spark.run;

import io.lockstep.data.DataPlacement;
import io.lockstep.run.DataSpec;
import io.lockstep.run.RunSpec;
import io.lockstep.spark.ShardedDataset;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Loads and shards the data of one run after another, reusing the previous run's data when it
 * selects the same data (dataset options, validation fraction and split seed) and, for the sharded
 * copy, the same worker count. Holds one entry of each kind, so consecutive runs on the same data
 * (a sweep over batch sizes or learning rates) read and cache it once; closing releases the shards.
 */
public final class InputCache implements AutoCloseable {
    private final Consumer<String> log;
    private final MnistFiles mnist;
    private String splitKey;
    private SplitData split;
    private String shardKey;
    private Inputs inputs;

    /**
     * @param log   receives progress lines such as data fetching
     * @param mnist provides the files of MNIST sources
     */
    public InputCache(Consumer<String> log, MnistFiles mnist) {
        this.log = log;
        this.mnist = mnist;
    }

    /** The sharded data of a run, and its provenance for run.json. */
    public record Inputs(String name, java.util.Map<String, Object> dataset, ShardedDataset train, ShardedDataset validation,
                  ShardedDataset test) {}

    /** The data of {@code spec} after its validation split ({@code sc} may be null for IDX data). */
    SplitData split(RunSpec spec, JavaSparkContext sc) {
        DataSpec d = spec.data();
        double fraction = d.validationFraction();
        String key = java.util.Arrays.asList(d.train(), d.test(), d.labelCol(), d.featuresCol(), d.featureCols(),
                d.classes()) + " validation " + fraction + (fraction > 0 ? " seed " + spec.train().seed() : "");
        if (!key.equals(splitKey)) {
            releaseShards();
            split = null;
            splitKey = null;
            split = SplitData.load(spec, sc, mnist, log);
            splitKey = key;
        }
        return split;
    }

    /** {@link #split} over {@code partitions} workers, the training part in {@code placement}. */
    Inputs inputs(RunSpec spec, JavaSparkContext sc, int partitions, DataPlacement placement) {
        SplitData d = split(spec, sc);
        String key = splitKey + " workers " + partitions + " " + placement;
        if (!key.equals(shardKey)) {
            releaseShards();
            inputs = new Inputs(d.name(), d.provenance(), d.train().place(sc, partitions, placement),
                    shard(d.validation(), sc, partitions),
                    shard(d.test(), sc, partitions));
            shardKey = key;
        }
        return inputs;
    }

    private static ShardedDataset shard(SplitData.Part part, JavaSparkContext sc, int partitions) {
        return part == null ? null : part.shard(sc, partitions);
    }

    private void releaseShards() {
        if (inputs != null) {
            for (ShardedDataset s : new ShardedDataset[] {inputs.train(), inputs.validation(), inputs.test()}) {
                if (s != null) {
                    s.release();
                }
            }
        }
        inputs = null;
        shardKey = null;
    }

    @Override
    public void close() {
        releaseShards();
        split = null;
        splitKey = null;
    }
}
