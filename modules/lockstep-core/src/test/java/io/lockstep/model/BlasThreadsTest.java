package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BlasThreadsTest {
    @Test
    void setsAndRestoresTheBlasThreadCount() {
        int before = BlasThreads.current();
        try {
            BlasThreads.set(2);
            assertEquals(2, BlasThreads.current());
            BlasThreads.set(1);
            assertEquals(1, BlasThreads.current());
        } finally {
            BlasThreads.set(before);
        }
        assertThrows(IllegalArgumentException.class, () -> BlasThreads.set(0));
    }

    @Test
    void onePerTaskUnlessTheEnvironmentChose() {
        int before = BlasThreads.current();
        try {
            BlasThreads.set(2);
            assertFalse(BlasThreads.onePerTask("2", new AtomicBoolean()), "OMP_NUM_THREADS set: left alone");
            assertEquals(2, BlasThreads.current());
            AtomicBoolean checked = new AtomicBoolean();
            assertTrue(BlasThreads.onePerTask(null, checked));
            assertEquals(1, BlasThreads.current());
            assertEquals(1, BlasThreads.nd4jThreads());
            BlasThreads.set(2);
            assertFalse(BlasThreads.onePerTask(null, checked), "once per JVM: a later explicit choice stands");
            assertEquals(2, BlasThreads.current());
        } finally {
            BlasThreads.set(before);
        }
    }
}
