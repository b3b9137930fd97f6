package io.lockstep.bench;

/**
 * One side's result at one batch size, as written to the report files.
 *
 * @param medianMs             median wall time of one iteration (a step, a {@code fit} call)
 * @param minMs                fastest iteration
 * @param maxMs                slowest iteration
 * @param examplesPerSec       examples per iteration / median seconds
 * @param iterations           measured iterations (after warm-up)
 * @param examplesPerIteration B for Lockstep and DL4J; K·B for one PA {@code fit} over K global batches
 * @param cpuPerWall           process CPU time / wall time over the measured iterations
 * @param busyThreads          threads that each did at least 20% of the busiest thread's CPU work meanwhile
 *                             (Java and native; JVM compiler/GC threads not counted); -1 if unknown
 * @param finalLoss            training loss after the last iteration
 */
record SideResult(double medianMs, double minMs, double maxMs, double examplesPerSec, int iterations,
                  long examplesPerIteration, double cpuPerWall, int busyThreads, double finalLoss) {

    static SideResult of(Measurement m) {
        return new SideResult(m.medianMillis(), m.minMillis(), m.maxMillis(), m.examplesPerSecond(),
                m.millis().length, m.examplesPerIteration(), m.cpuPerWall(), m.busyThreads(), m.finalLoss());
    }
}
