package io.lockstep.bench;

import java.util.Map;

/**
 * Accumulates how much CPU the measured sections of a run used: process CPU time against wall time
 * ({@link ProcessCpu}) and which threads were busy ({@link ThreadCpu}, from the first start to
 * {@link #end()}). Call {@link #start()} before and {@link #stop()} after each measured section, and
 * {@link #end()} once after the last.
 */
final class CpuUse {
    private final Map<String, Long> threadsAtFirstStart;
    private Map<String, Long> threadsAtLastStop;
    private long cpuNanos;
    private long wallNanos;
    private long cpuStart;
    private long wallStart;

    private CpuUse() {
        threadsAtFirstStart = ThreadCpu.snapshot();
    }

    /** Starts accounting; the first section starts now. */
    static CpuUse started() {
        CpuUse c = new CpuUse();
        c.start();
        return c;
    }

    void start() {
        cpuStart = ProcessCpu.nanos();
        wallStart = System.nanoTime();
    }

    void stop() {
        long cpu = ProcessCpu.nanos();
        wallNanos += System.nanoTime() - wallStart;
        cpuNanos = cpu < 0 || cpuStart < 0 || cpuNanos < 0 ? -1 : cpuNanos + (cpu - cpuStart);
    }

    /** Takes the closing thread snapshot (not inside {@link #stop()}: reading /proc takes a few ms). */
    CpuUse end() {
        threadsAtLastStop = ThreadCpu.snapshot();
        return this;
    }

    /** Process CPU time / wall time over the sections; NaN if unknown. */
    double perWall() {
        return ProcessCpu.perWall(0, cpuNanos, wallNanos);
    }

    /** Busy threads from the first start to {@link #end()}; -1 if unknown. */
    int busyThreads() {
        return threadsAtLastStop == null ? -1 : ThreadCpu.busyThreads(threadsAtFirstStart, threadsAtLastStop);
    }
}
