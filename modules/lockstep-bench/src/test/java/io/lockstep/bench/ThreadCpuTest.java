package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void countsThreadsWithAFifthOfTheBusiestThreadsTime() {
        Map<String, Long> before = Map.of("1 java", 100L, "2 java", 50L, "3 Executor", 0L);
        Map<String, Long> after = Map.of("1 java", 200L, "2 java", 70L, "3 Executor", 10L, "4 new", 30L);
        assertEquals(3, ThreadCpu.busyThreads(before, after)); // deltas 100, 20, 10, 30: threshold 20
        assertEquals(-1, ThreadCpu.busyThreads(before, before));
    }

    @Test
    void seesASpinningThread() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc only");
        AtomicBoolean stop = new AtomicBoolean();
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "bench-spinner");
        Map<String, Long> before = ThreadCpu.snapshot();
        spinner.start();
        Thread.sleep(300);
        Map<String, Long> after = ThreadCpu.snapshot();
        stop.set(true);
        spinner.join();
        assertTrue(after.keySet().stream().anyMatch(k -> k.endsWith(" bench-spinner")), after.keySet().toString());
        assertTrue(ThreadCpu.busyThreads(before, after) >= 1);
    }
}
