package io.lockstep.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * CPU time of the whole process, all threads (Java and native, e.g. OpenBLAS), for checking how many
 * threads a measured section actually kept busy: CPU time / wall time.
 */
final class ProcessCpu {
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {}

    /** Process CPU time in nanoseconds, or -1 if the JVM cannot tell. */
    static long nanos() {
        return OS instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** CPU time / wall time between two readings; NaN if CPU time is unavailable. */
    static double perWall(long cpuStart, long cpuEnd, long wallNanos) {
        return cpuStart < 0 || cpuEnd < 0 || wallNanos <= 0 ? Double.NaN : (cpuEnd - cpuStart) / (double) wallNanos;
    }
}
