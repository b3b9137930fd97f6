package io.lockstep.bench;

import java.util.Locale;

/**
 * The conditions a bench ran under, printed as the report header and written with the results.
 *
 * @param loadAverage the 1-minute load average when the run started (other processes compete for the cores)
 */
record BenchEnv(int cores, String java, String spark, String master, int workers, int parallelLimit,
                String ompNumThreads, int blasThreads, int nd4jThreads, double loadAverage) {

    /** The header lines (no trailing newline). */
    String header() {
        return String.join(System.lineSeparator(),
                String.format(Locale.ROOT, "  cores      %d (available to the JVM), load average %.2f at start",
                        cores, loadAverage),
                "  java       " + java,
                String.format(Locale.ROOT, "  spark      %s, master %s, %d workers (partitions), parallel limit %d",
                        spark, master, workers, parallelLimit),
                String.format(Locale.ROOT, "  BLAS       OMP_NUM_THREADS=%s, OpenBLAS threads %d, libnd4j threads %d",
                        ompNumThreads, blasThreads, nd4jThreads));
    }
}
