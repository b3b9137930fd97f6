package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
