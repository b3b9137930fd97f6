package io.lockstep.spark;

import io.lockstep.config.ConfigException;
import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import java.util.Locale;
import org.apache.spark.SparkConf;

/**
 * What a run asks of the driver, checked before the first step: the bytes every step's gradient job
 * returns (one {@link TaskResult} per partition: its gradient sum of 4 × |θ| bytes plus the task's
 * scalars and Spark's task metrics) against {@code spark.driver.maxResultSize}, and the arrays the
 * driver keeps against its heap. A run that cannot fit is refused in one line saying what to set,
 * instead of failing mid-run with Spark's message.
 *
 * <p>Driver-resident arrays, each |θ| floats unless said: parameters; the broadcast copy and its
 * serialized blocks; the update's scratch and update buffers; the optimizer's state arrays; the last
 * good parameters (with the divergence policy rollback also a copy of the optimizer state); the best
 * parameters; the mean gradient; the gradient sum in doubles (2 × |θ| floats); and the P partial
 * gradient sums of one step.
 *
 * @param numParams       |θ|
 * @param partitions      P, the number of gradient tasks per step
 * @param optimizerArrays parameter-sized arrays of optimizer state
 * @param rollback        true if the divergence policy keeps a copy of the optimizer state to roll back to
 */
public record DriverPreflight(long numParams, int partitions, int optimizerArrays, boolean rollback) {
    /** The Spark setting that caps what one job returns to the driver. */
    static final String MAX_RESULT = "spark.driver.maxResultSize";
    private static final String MAX_RESULT_DEFAULT = "1g";
    /** Per-task allowance for the task's scalars, the result's framing and Spark's task metrics. */
    static final long TASK_OVERHEAD = 16L << 10;
    /** Share of the driver's maximum heap the resident arrays may take (the rest: Spark, data, DL4J). */
    static final double HEAP_SHARE = 0.9;
    private static final long MIB = 1L << 20;

    /** The load of training {@code config}'s model of {@code numParams} parameters over {@code partitions}. */
    public static DriverPreflight of(long numParams, int partitions, TrainConfig config) {
        return new DriverPreflight(numParams, partitions, config.optimizer().type().stateArrays(),
                config.divergence().policy() == DivergenceConfig.Policy.ROLLBACK);
    }

    /** Bytes every step's gradient job returns to the driver. */
    public long resultBytesPerStep() {
        return partitions * (Float.BYTES * numParams + TASK_OVERHEAD);
    }

    /** Bytes of the arrays the driver keeps during a step (see the class comment). */
    public long residentBytes() {
        long copies = 1 + 2 + 2 + optimizerArrays + 1 + (rollback ? optimizerArrays : 0) + 1 + 1 + 2 + partitions;
        return copies * Float.BYTES * numParams;
    }

    /**
     * Refuses a run that cannot fit {@code conf}'s {@code spark.driver.maxResultSize} (0 = unlimited) or
     * a heap of {@code maxHeap} bytes ({@link Runtime#maxMemory()}).
     *
     * @throws ConfigException in one line naming the setting and the value to set
     */
    public void check(SparkConf conf, long maxHeap) {
        long maxResult = conf.getSizeAsBytes(MAX_RESULT, MAX_RESULT_DEFAULT);
        if (maxResult > 0 && resultBytesPerStep() > maxResult) {
            long wanted = (long) Math.ceil(resultBytesPerStep() * 1.25 / MIB);
            throw new ConfigException(String.format(Locale.ROOT, "preflight: each step returns 4 × %,d parameters × %d"
                    + " workers = %s to the driver, above %s=%s; set %s=%dm or more (spark-submit --conf, or"
                    + " -D%s=%dm in LOCKSTEP_JAVA_OPTS), or use fewer workers", numParams, partitions,
                    size(resultBytesPerStep()), MAX_RESULT, conf.get(MAX_RESULT, MAX_RESULT_DEFAULT + " (Spark's default)"),
                    MAX_RESULT, wanted, MAX_RESULT, wanted));
        }
        if (residentBytes() > HEAP_SHARE * maxHeap) {
            long wanted = (long) Math.ceil(residentBytes() / HEAP_SHARE / MIB * 1.5);
            throw new ConfigException(String.format(Locale.ROOT, "preflight: the driver keeps about %s of parameters,"
                    + " optimizer state, rollback copies and %d partial gradient sums per step, more than %.0f%% of its"
                    + " %s heap; give the driver at least %dm (spark-submit --driver-memory %dm, or -Xmx%dm in"
                    + " LOCKSTEP_JAVA_OPTS), or use fewer workers", size(residentBytes()), partitions, HEAP_SHARE * 100,
                    size(maxHeap), wanted, wanted, wanted));
        }
    }

    /** {@code bytes} as MiB or KiB with one decimal, for the preflight messages. */
    static String size(long bytes) {
        return bytes >= MIB ? String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB)
                : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
