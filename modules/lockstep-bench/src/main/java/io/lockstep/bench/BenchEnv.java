package io.lockstep.bench;

import java.util.Locale;

/** The conditions a bench ran under, printed as the report header. */
record BenchEnv(int cores, String java, String spark, String master, int workers, int parallelLimit,
                String ompNumThreads, int nd4jThreads) {

    /** The header lines (no trailing newline). */
    String header() {
        return String.join(System.lineSeparator(),
                String.format(Locale.ROOT, "  cores      %d (available to the JVM)", cores),
                "  java       " + java,
                String.format(Locale.ROOT, "  spark      %s, master %s, %d workers (partitions), parallel limit %d",
                        spark, master, workers, parallelLimit),
                String.format(Locale.ROOT, "  BLAS       OMP_NUM_THREADS=%s, ND4J max threads %d",
                        ompNumThreads, nd4jThreads));
    }
}
