package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MeasurementTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(20, new Measurement(new double[] {30, 10, 20}, 1, 0, Double.NaN, -1).medianMillis());
        assertEquals(25, new Measurement(new double[] {40, 10, 20, 30}, 1, 0, Double.NaN, -1).medianMillis());
    }

    @Test
    void throughputUsesExamplesPerIterationAndMedian() {
        Measurement m = new Measurement(new double[] {100, 500, 200}, 1024, 0.3, 1.5, 2);
        assertEquals(1024 / 0.2, m.examplesPerSecond(), 1e-9);
        assertEquals(100, m.minMillis());
        assertEquals(500, m.maxMillis());
        SideResult r = SideResult.of(m);
        assertEquals(3, r.iterations());
        assertEquals(1.5, r.cpuPerWall());
        assertEquals(2, r.busyThreads());
    }

    @Test
    void rejectsEmptyAndNonPositiveExamples() {
        assertThrows(IllegalArgumentException.class, () -> new Measurement(new double[0], 1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Measurement(new double[] {1}, 0, 0, 0, 1));
    }

    @Test
    void millisAreCopied() {
        double[] t = {1, 2, 3};
        Measurement m = new Measurement(t, 1, 0, 0, 1);
        t[1] = 100;
        m.millis()[1] = 100;
        assertEquals(2, m.medianMillis());
    }
}
