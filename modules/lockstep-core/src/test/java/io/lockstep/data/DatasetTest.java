package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatasetTest {
    private static Dataset small() {
        float[] f = {0f, 0.1f, 1f, 1.1f, 2f, 2.1f, 3f, 3.1f};
        return new Dataset("small", f, new int[] {0, 1, 2, 1}, 2, 3);
    }

    @Test
    void accessors() {
        Dataset d = small();
        assertEquals("small", d.name());
        assertEquals(4, d.size());
        assertEquals(2, d.numFeatures());
        assertEquals(3, d.numClasses());
    }

    @Test
    void labelOutOfRange() {
        DataException high = assertThrows(DataException.class,
                () -> new Dataset("ds", new float[2], new int[] {0, 3}, 1, 3));
        assertTrue(high.getMessage().contains("ds") && high.getMessage().contains("label 3")
                && high.getMessage().contains("example 1"), high.getMessage());
        DataException neg = assertThrows(DataException.class,
                () -> new Dataset("ds", new float[1], new int[] {-1}, 1, 3));
        assertTrue(neg.getMessage().contains("label -1"), neg.getMessage());
    }

    @Test
    void shapeMismatch() {
        DataException e = assertThrows(DataException.class,
                () -> new Dataset("ds", new float[5], new int[] {0, 1}, 3, 2));
        assertTrue(e.getMessage().contains("ds") && e.getMessage().contains("expected 6"), e.getMessage());
        assertThrows(DataException.class, () -> new Dataset("ds", new float[0], new int[0], 0, 2));
        assertThrows(DataException.class, () -> new Dataset("ds", new float[1], new int[] {0}, 1, 1));
    }

    @Test
    void sliceCopiesRange() {
        Dataset d = small();
        Dataset s = d.slice(1, 3);
        assertEquals(2, s.size());
        assertEquals(2, s.numFeatures());
        assertEquals(3, s.numClasses());
        assertArrayEquals(new float[] {1f, 1.1f, 2f, 2.1f}, s.features(), 0f);
        assertArrayEquals(new int[] {1, 2}, s.labels());
        s.features()[0] = 42f;
        assertEquals(1f, d.features()[2], 0f, "slice is a copy");
        assertEquals(0, d.slice(2, 2).size());
        assertEquals(4, d.slice(0, 4).size());
    }

    @Test
    void sliceOutOfBounds() {
        Dataset d = small();
        assertThrows(IllegalArgumentException.class, () -> d.slice(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> d.slice(0, 5));
        assertThrows(IllegalArgumentException.class, () -> d.slice(3, 2));
    }
}
