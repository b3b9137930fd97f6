package io.lockstep.app.train;

import io.lockstep.data.DataPlacement;
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
    private String splitKey;
    private SplitData split;
    private String shardKey;
    private Inputs inputs;

    /** @param log receives progress lines such as data fetching */
    public InputCache(Consumer<String> log) {
        this.log = log;
    }

    /** The sharded data of a run, and its provenance for run.json. */
    record Inputs(String name, java.util.Map<String, Object> dataset, ShardedDataset train, ShardedDataset validation,
                  ShardedDataset test) {}

    /** The data of {@code cmd} after its validation split ({@code sc} may be null for IDX data). */
    SplitData split(TrainCommand cmd, JavaSparkContext sc) {
        double fraction = cmd.guard.validationFraction;
        String key = cmd.data.key() + " validation " + fraction + (fraction > 0 ? " seed " + cmd.seed : "");
        if (!key.equals(splitKey)) {
            releaseShards();
            split = null;
            splitKey = null;
            split = SplitData.load(cmd, sc, log);
            splitKey = key;
        }
        return split;
    }

    /** {@link #split} over {@code partitions} workers, the training part in {@code placement}. */
    Inputs inputs(TrainCommand cmd, JavaSparkContext sc, int partitions, DataPlacement placement) {
        SplitData d = split(cmd, sc);
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
