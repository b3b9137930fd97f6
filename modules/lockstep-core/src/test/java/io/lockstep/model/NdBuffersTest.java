package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    /** A reused matrix full of a stale value: the {@code ...Into} copies must overwrite every element. */
    private static INDArray stale(int rows, int cols) {
        INDArray m = NdBuffers.detachedMatrix(rows, cols);
        m.assign(7f);
        return m;
    }

    @Test
    void gatherRowsIntoOverwritesTheMatrixWithASubRangeOfTheIndices() {
        INDArray m = stale(2, 3);
        NdBuffers.gatherRowsInto(m, SOURCE, new int[] {0, 3, 1, 2}, 1, 3, 3);
        assertArrayEquals(new float[] {30, 31, 32, 10, 11, 12}, NdBuffers.toFloats(m));
    }

    @Test
    void copyRowsIntoCopiesAContiguousRangeOfRows() {
        INDArray m = stale(2, 3);
        NdBuffers.copyRowsInto(m, SOURCE, 2, 4, 3);
        assertArrayEquals(new float[] {20, 21, 22, 30, 31, 32}, NdBuffers.toFloats(m));
    }

    @Test
    void oneHotIntoClearsEveryStaleValue() {
        int[] labels = {2, 0, 1, 2};
        INDArray m = stale(3, 3);
        NdBuffers.oneHotInto(m, labels, new int[] {3, 1, 2, 0}, 1, 4, 3);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, NdBuffers.toFloats(m));
        INDArray r = stale(2, 3);
        NdBuffers.oneHotRangeInto(r, labels, 2, 4, 3);
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1}, NdBuffers.toFloats(r));
        assertEquals(NdBuffers.oneHot(labels, new int[] {3, 1, 2, 0}, 3), Nd4j.eye(3).getRows(2, 0, 1, 2));
    }

    @Test
    void aLabelOutsideTheClassesIsRejectedNotWrittenIntoTheNextRow() {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> NdBuffers.oneHot(new int[] {0, 3}, new int[] {1, 0}, 3));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test
    void aMatrixOfTheWrongShapeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NdBuffers.gatherRowsInto(stale(3, 3), SOURCE, new int[] {0, 1}, 0, 2, 3));
        assertTrue(e.getMessage().contains("2 x 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NdBuffers.oneHotRangeInto(stale(2, 4), new int[] {0, 1}, 0, 2, 3));
    }

    @Test
    void copyToFillsAGivenArrayOfTheRightLengthOnly() {
        INDArray m = NdBuffers.matrix(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        float[] target = new float[6];
        assertSame(target, NdBuffers.copyTo(m, target));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, target);
        assertThrows(IllegalArgumentException.class, () -> NdBuffers.copyTo(m, new float[7]));
    }
}
