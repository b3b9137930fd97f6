package io.lockstep.spark;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The datasets evaluated after every epoch, by name, in order: typically "train", "validation" and
 * "test". Early stopping watches {@link #VALIDATION}.
 */
public final class EvalSets {
    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";
    public static final String TEST = "test";

    private final Map<String, ShardedDataset> sets = new LinkedHashMap<>();

    /** Adds a set; null datasets are skipped so callers can pass optional sets. */
    public EvalSets with(String name, ShardedDataset data) {
        if (data != null) {
            sets.put(name, data);
        }
        return this;
    }

    public Map<String, ShardedDataset> asMap() {
        return Collections.unmodifiableMap(sets);
    }

    public boolean has(String name) {
        return sets.containsKey(name);
    }

    public static EvalSets none() {
        return new EvalSets();
    }
}
