package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class NdBuffersTest {
    private static final float[] SOURCE = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32}; // 4 rows of 3

    @Test
    void gatherRowsCopiesTheChosenRowsInOrderWithRepeats() {
        INDArray m = NdBuffers.gatherRows(SOURCE, new int[] {3, 0, 3, 2}, 3);
        assertArrayEquals(new long[] {4, 3}, m.shape());
        assertArrayEquals(new float[] {30, 31, 32, 0, 1, 2, 30, 31, 32, 20, 21, 22}, NdBuffers.toFloats(m));
    }

    @Test
    void gatherRowsEqualsMatrixOfTheSameRows() {
        INDArray a = NdBuffers.gatherRows(SOURCE, new int[] {1, 2}, 3);
        INDArray b = NdBuffers.matrix(new float[] {10, 11, 12, 20, 21, 22}, 2, 3);
        assertEquals(b, a);
    }

    @Test
    void aRowOutsideTheSourceIsRejected() {
        assertThrows(IndexOutOfBoundsException.class, () -> NdBuffers.gatherRows(SOURCE, new int[] {4}, 3));
    }

    @Test
    void copyIntoAndToFloatsRoundTrip() {
        INDArray m = NdBuffers.matrix(new float[6], 2, 3);
        NdBuffers.copyInto(new float[] {1, 2, 3, 4, 5, 6}, m);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, NdBuffers.toFloats(m));
        assertThrows(IllegalArgumentException.class, () -> NdBuffers.copyInto(new float[5], m));
    }
}
