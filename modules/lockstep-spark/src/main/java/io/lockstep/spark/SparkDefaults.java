package io.lockstep.spark;

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
 * </ul>
 */
public final class SparkDefaults {
    private SparkDefaults() {}

    /** Applies the defaults to {@code conf} without overriding values already set; returns it. */
    public static SparkConf apply(SparkConf conf) {
        conf.setIfMissing("spark.task.maxDirectResultSize", "64m");
        conf.setIfMissing("spark.broadcast.compress", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        return conf;
    }
}
