package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class NdBuffersBenchTest {
    @Test
    void bulkCopiesMatchNd4jCreate() {
        NdBuffersBench b = new NdBuffersBench();
        b.n = 1000;
        b.setUp();
        INDArray bulk = b.matrixBulk();
        INDArray reference = b.nd4jCreate();
        assertEquals(reference, bulk);
        b.copyInto();
        assertArrayEquals(reference.toFloatVector(), b.toFloats());
    }
}
