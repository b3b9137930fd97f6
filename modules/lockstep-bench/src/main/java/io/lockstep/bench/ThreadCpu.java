package io.lockstep.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of every thread of this process, Java and native (OpenBLAS's workers are native threads),
 * from Linux's {@code /proc/self/task/<tid>/stat}: to count how many threads a measured section kept
 * busy, which shows directly whether a BLAS thread setting took effect. Empty elsewhere.
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** JVM housekeeping threads (names as /proc shows them, cut to 15 characters): not counted. */
    private static final List<String> JVM_INTERNAL = List.of("C1 Compiler", "C2 Compiler", "GC Thread", "G1 ",
            "VM ", "Sweeper", "Common-Cleaner", "Signal Dispatch");
    /** A thread counts as busy with at least this share of the busiest thread's CPU time. */
    private static final double BUSY_SHARE = 0.2;

    private ThreadCpu() {}

    /** CPU clock ticks (user + system) by thread id and name; empty if /proc is not available. */
    static Map<String, Long> snapshot() {
        Map<String, Long> ticks = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return ticks;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                read(t, ticks);
            }
        } catch (IOException e) {
            ticks.clear();
        }
        return ticks;
    }

    private static void read(Path task, Map<String, Long> into) {
        String stat;
        try {
            stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
            return; // the thread ended meanwhile
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String name = stat.substring(open + 1, close);
        if (JVM_INTERNAL.stream().anyMatch(name::startsWith)) {
            return;
        }
        String[] f = stat.substring(close + 2).split(" ");
        into.put(task.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime + stime
    }

    /**
     * Threads whose CPU time grew by at least {@value #BUSY_SHARE} of the busiest thread's between the
     * two snapshots; -1 if no CPU time was seen.
     */
    static int busyThreads(Map<String, Long> before, Map<String, Long> after) {
        long max = 0;
        Map<String, Long> delta = new HashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            delta.put(e.getKey(), d);
            max = Math.max(max, d);
        }
        if (max == 0) {
            return -1;
        }
        long threshold = (long) Math.ceil(BUSY_SHARE * max);
        return (int) delta.values().stream().filter(d -> d >= threshold).count();
    }
}
