package io.lockstep.spark;

import io.lockstep.config.ConfigException;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.model.ModelAdapter;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.spark.SparkConf;

/**
 * What a run asks of each executor, checked before the first step: DL4J's estimate of the memory one
 * gradient task needs for a forward and backward pass of its pass batch ({@link ModelAdapter#trainingMemoryBytes}),
 * times the tasks an executor runs at once, against the executor's memory. A run that cannot fit is
 * refused in one line saying what to set, instead of failing mid-run.
 *
 * <p>Cluster: an executor runs {@code spark.executor.cores / spark.task.cpus} tasks at once (defaults 1 and
 * 1) with {@code spark.executor.memory} (Spark's default 1g). Local mode: the driver JVM runs all local
 * tasks, as many at once as the local thread count, within its own maximum heap. Either way at most P
 * tasks run at once. ND4J's arrays live off-heap, but JavaCPP caps them by default at the JVM's maximum
 * heap, so the heap setting bounds them. Not counted: the cached data and Spark's own memory; a growing
 * batch is checked at its first size. When DL4J cannot report on the configuration the check is skipped
 * silently (there is nothing honest to compare).
 *
 * @param model      the model's name, for the message
 * @param passBatch  examples per forward/backward pass (the ghost batch, or the micro-batch when smaller)
 * @param partitions P, the number of gradient tasks per step
 * @param taskBytes  DL4J's estimate for one task's pass; empty when DL4J has no report for the model
 */
public record ExecutorPreflight(String model, int passBatch, int partitions, OptionalLong taskBytes) {
    static final String MEMORY = "spark.executor.memory";
    private static final String MEMORY_DEFAULT = "1g";
    static final String CORES = "spark.executor.cores";
    private static final String TASK_CPUS = "spark.task.cpus";
    private static final long MIB = 1L << 20;

    /** The load of training {@code model} with {@code config} on data placed as {@code placement} over P partitions. */
    public static ExecutorPreflight of(ModelAdapter model, TrainConfig config, DataPlacement placement, int partitions) {
        int pass = passBatch(config, model.batchDependent(), placement, partitions);
        return new ExecutorPreflight(model.name(), pass, partitions, model.trainingMemoryBytes(pass));
    }

    /**
     * Examples in one forward/backward pass of a step of the global batch: the ghost batch
     * ({@link TrainConfig#resolveGhostBatch}; with sharded data at most a worker's mean share ⌈B/P⌉, its
     * actual share varying around that), cut to the micro-batch when one is set. An adaptive batch is
     * checked at its largest size.
     */
    static int passBatch(TrainConfig config, boolean batchDependent, DataPlacement placement, int partitions) {
        int b = config.adaptiveBatch() == null ? config.globalBatch() : config.adaptiveBatch().maxBatch();
        int pass = config.resolveGhostBatch(b, batchDependent, placement);
        if (placement == DataPlacement.SHARDED) {
            pass = Math.min(pass, (b + partitions - 1) / partitions);
        }
        return config.microBatch() > 0 ? Math.min(pass, config.microBatch()) : pass;
    }

    /**
     * Refuses a run whose per-task estimate times the tasks one executor runs at once exceeds its memory:
     * {@code conf}'s executor settings, or in {@code local} mode {@code localTasks} threads within the
     * driver's {@code driverHeap} ({@link Runtime#maxMemory()}). Does nothing without an estimate.
     *
     * @throws ConfigException in one line naming the setting and the value to set
     */
    public void check(SparkConf conf, boolean local, int localTasks, long driverHeap) {
        if (taskBytes.isEmpty()) {
            return;
        }
        int slots = local ? localTasks : Math.max(1, conf.getInt(CORES, 1) / conf.getInt(TASK_CPUS, 1));
        int atOnce = Math.max(1, Math.min(slots, partitions));
        long need = atOnce * taskBytes.getAsLong();
        long memory = local ? driverHeap : conf.getSizeAsBytes(MEMORY, MEMORY_DEFAULT);
        if (need <= memory) {
            return;
        }
        long wanted = (long) Math.ceil(need * 1.5 / MIB);
        String task = String.format(Locale.ROOT, "preflight: one gradient task of model '%s' needs about %s for a pass"
                + " of %d examples (DL4J's estimate), × %d tasks at once = %s", model, DriverPreflight.size(taskBytes.getAsLong()),
                passBatch, atOnce, DriverPreflight.size(need));
        String smaller = "or a smaller --micro-batch (--ghost-batch for batch-norm or dropout models)";
        if (local) {
            throw new ConfigException(String.format(Locale.ROOT, "%s in the driver JVM (local mode), above its %s heap;"
                    + " give the driver at least %dm (spark-submit --driver-memory %dm, or -Xmx%dm in LOCKSTEP_JAVA_OPTS),"
                    + " fewer local threads (local[n]), %s", task, DriverPreflight.size(memory), wanted, wanted, wanted, smaller));
        }
        throw new ConfigException(String.format(Locale.ROOT, "%s per executor, above %s=%s; set %s=%dm or more"
                + " (spark-submit --executor-memory %dm), fewer %s, %s", task, MEMORY,
                conf.get(MEMORY, MEMORY_DEFAULT + " (Spark's default)"), MEMORY, wanted, wanted, CORES, smaller));
    }
}
