package io.lockstep.spark.run;

import io.lockstep.data.DataPlacement;
import io.lockstep.data.Dataset;
import io.lockstep.data.HoldOut;
import io.lockstep.run.RunSpec;
import io.lockstep.spark.IndexedExamples;
import io.lockstep.spark.ShardedDataset;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A run's data after the validation split, not yet sharded: IDX data in driver memory, or tables
 * validated on the cluster (their rows never pass through the driver).
 *
 * @param name       dataset name for the console
 * @param provenance dataset description for run.json
 * @param validation null without {@code --validation-fraction}
 * @param test       null without a test set
 */
public record SplitData(String name, Map<String, Object> provenance, Part train, Part validation, Part test) {

    /** One part (train, validation or test) that can be sharded over P partitions. */
    public interface Part {
        int size();

        int numFeatures();

        int numClasses();

        ShardedDataset shard(JavaSparkContext sc, int partitions);

        /** The part as training data in {@code placement} over {@code partitions} gradient tasks. */
        default ShardedDataset place(JavaSparkContext sc, int partitions, DataPlacement placement) {
            return shard(sc, partitions).placed(sc, placement);
        }
    }

    /** Loads (IDX, on the driver; {@code sc} may be null) or reads (tables, on the cluster) and splits the data of {@code spec}. */
    static SplitData load(RunSpec spec, JavaSparkContext sc, MnistFiles mnist, Consumer<String> log) {
        double fraction = spec.data().validationFraction();
        long seed = spec.train().seed();
        if (spec.data().train().kind().isTable()) {
            DataLoader.Tables tables = DataLoader.readTables(sc, spec.data(), log);
            IndexedExamples train = tables.train();
            IndexedExamples validation = null;
            if (fraction > 0) {
                IndexedExamples.Split split = train.holdOut(fraction, seed);
                train = split.train();
                validation = split.validation();
            }
            return new SplitData(tables.name(), DataLoader.describe(tables), table(train), table(validation),
                    table(tables.test()));
        }
        DataLoader.Loaded loaded = DataLoader.load(spec.data(), mnist, log);
        Dataset train = loaded.train();
        Dataset validation = null;
        if (fraction > 0) {
            HoldOut split = HoldOut.split(train, fraction, seed);
            train = split.train();
            validation = split.validation();
        }
        return new SplitData(loaded.name(), DataLoader.describe(loaded), local(train), local(validation),
                local(loaded.test()));
    }

    private static Part local(Dataset d) {
        return d == null ? null : new Part() {
            @Override public int size() { return d.size(); }
            @Override public int numFeatures() { return d.numFeatures(); }
            @Override public int numClasses() { return d.numClasses(); }
            @Override public ShardedDataset shard(JavaSparkContext sc, int p) { return ShardedDataset.distribute(sc, d, p); }
            @Override public ShardedDataset place(JavaSparkContext sc, int p, DataPlacement placement) {
                return placement == DataPlacement.REPLICATED ? ShardedDataset.replicate(sc, d, p) : shard(sc, p);
            }
        };
    }

    private static Part table(IndexedExamples e) {
        return e == null ? null : new Part() {
            @Override public int size() { return e.size(); }
            @Override public int numFeatures() { return e.numFeatures(); }
            @Override public int numClasses() { return e.numClasses(); }
            @Override public ShardedDataset shard(JavaSparkContext sc, int p) { return e.shard(p); }
        };
    }
}
