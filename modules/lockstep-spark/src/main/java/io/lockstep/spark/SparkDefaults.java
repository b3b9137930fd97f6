package io.lockstep.spark;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * Spark settings that suit one small job per training step. Applied with {@code setIfMissing}, so
 * anything the user sets (spark-submit {@code --conf}, spark-defaults.conf) wins.
 *
 * <ul>
 *   <li>{@code spark.task.maxDirectResultSize=64m}: a gradient sum of a 270k-parameter model is just
 *       over the 1 MiB default and would otherwise take a detour through the block manager.</li>
 *   <li>{@code spark.broadcast.compress=false}: float parameter vectors do not compress.</li>
 *   <li>{@code spark.ui.showConsoleProgress=false}: Lockstep shows its own progress bar.</li>
 *   <li>{@code spark.executorEnv.OMP_NUM_THREADS=1}: one BLAS thread per task, so concurrent tasks on
 *       an executor never oversubscribe its cores.</li>
 *   <li>{@code spark.scheduler.minRegisteredResourcesRatio=1.0}: on a cluster, the first job (which
 *       caches the shards, and so pins every later step's task to an executor) waits until all
 *       expected executors have registered (at most {@code spark.scheduler.maxRegisteredResourcesWaitingTime},
 *       30 s by default) instead of piling the shards onto the first one. Standalone clusters know what
 *       to expect only from {@code spark.cores.max}. No effect in local mode.</li>
 * </ul>
 */
public final class SparkDefaults {
    private SparkDefaults() {}

    /** The settings, in the order above. */
    public static final Map<String, String> SETTINGS = settings();

    /** Applies the defaults to {@code conf} without overriding values already set; returns it. */
    public static SparkConf apply(SparkConf conf) {
        SETTINGS.forEach(conf::setIfMissing);
        return conf;
    }

    private static Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("spark.task.maxDirectResultSize", "64m");
        m.put("spark.broadcast.compress", "false");
        m.put("spark.ui.showConsoleProgress", "false");
        m.put("spark.executorEnv.OMP_NUM_THREADS", "1");
        m.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        return Collections.unmodifiableMap(m);
    }
}
