package io.lockstep.model;

import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The number of threads ND4J computes with in this process. {@code OMP_NUM_THREADS} is read once at
 * start-up; afterwards OpenBLAS's thread count (which the MLP's matrix products use) is changed with
 * {@code Blas.setMaxThreads} and libnd4j's own loops with {@code Environment.setMaxMasterThreads}.
 * Whether a change took effect is visible in the bench's CPU/wall column, not assumed.
 */
public final class BlasThreads {
    private static final AtomicBoolean CHECKED = new AtomicBoolean();

    private BlasThreads() {}

    /** OpenBLAS's current thread count. */
    public static int current() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /** libnd4j's current number of threads for its own (non-BLAS) loops. */
    public static int nd4jThreads() {
        return Nd4j.getEnvironment().maxMasterThreads();
    }

    /** Sets both thread counts to {@code n}. */
    public static void set(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1 (got " + n + ")");
        }
        Nd4j.factory().blas().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
    }

    /**
     * One thread per task: executors run one task per core, so a task's matrix products must not start
     * threads of their own. Sets 1 once per JVM unless {@code OMP_NUM_THREADS} is set in the environment
     * (then the user's or Spark's {@code spark.executorEnv.OMP_NUM_THREADS} choice stands). Covers local mode
     * and {@code spark-submit}, where the executor is the driver's JVM and Spark's executor environment does
     * not apply. Returns whether this call changed the thread counts.
     */
    public static boolean onePerTask() {
        return onePerTask(System.getenv("OMP_NUM_THREADS"));
    }

    /** {@link #onePerTask()} with the environment's value given (null = unset); the once-per-JVM flag is {@code checked}. */
    static boolean onePerTask(String ompEnv, AtomicBoolean checked) {
        if (ompEnv != null || !checked.compareAndSet(false, true)) {
            return false;
        }
        set(1);
        return true;
    }

    private static boolean onePerTask(String ompEnv) {
        return onePerTask(ompEnv, CHECKED);
    }
}
