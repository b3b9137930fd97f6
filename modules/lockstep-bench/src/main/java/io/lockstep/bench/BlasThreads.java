package io.lockstep.bench;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The number of threads ND4J computes with in this process. {@code OMP_NUM_THREADS} is read once at
 * start-up; afterwards OpenBLAS's thread count (which the MLP's matrix products use) is changed with
 * {@code Blas.setMaxThreads} and libnd4j's own loops with {@code Environment.setMaxMasterThreads}.
 * Whether a change took effect is visible in the bench's CPU/wall column, not assumed.
 */
final class BlasThreads {
    private BlasThreads() {}

    /** OpenBLAS's current thread count. */
    static int current() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /** libnd4j's current number of threads for its own (non-BLAS) loops. */
    static int nd4jThreads() {
        return Nd4j.getEnvironment().maxMasterThreads();
    }

    /** Sets both thread counts to {@code n}. */
    static void set(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1 (got " + n + ")");
        }
        Nd4j.factory().blas().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
    }
}
