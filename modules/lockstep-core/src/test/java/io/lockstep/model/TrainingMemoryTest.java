package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ModelAdapter#trainingMemoryBytes}: DL4J's memory report for one training pass. */
class TrainingMemoryTest {

    @Test
    void mlpEstimateGrowsWithThePassBatchAndCoversParametersAndGradients() {
        ModelAdapter mlp = Models.byName("mlp", 784, 10, 1);
        long at64 = mlp.trainingMemoryBytes(64).orElseThrow();
        long at4096 = mlp.trainingMemoryBytes(4096).orElseThrow();
        System.out.printf("DL4J training memory, mlp (%d params): pass batch 64 = %,d bytes, 4096 = %,d bytes%n",
                mlp.numParams(), at64, at4096);
        assertTrue(at4096 > at64, at64 + " vs " + at4096);
        assertTrue(at64 >= 2L * Float.BYTES * mlp.numParams(), "parameters and gradients at least: " + at64);
    }

    @Test
    void resnetGraphGetsAnEstimateThroughItsConvolutionalInput() {
        ModelAdapter resnet = Models.byName("resnet", 784, 10, 1);
        long at32 = resnet.trainingMemoryBytes(32).orElseThrow();
        System.out.printf("DL4J training memory, resnet (%d params): pass batch 32 = %,d bytes%n",
                resnet.numParams(), at32);
        assertTrue(at32 >= 2L * Float.BYTES * resnet.numParams(), "parameters and gradients at least: " + at32);
        assertTrue(resnet.trainingMemoryBytes(64).orElseThrow() > at32);
    }
}
