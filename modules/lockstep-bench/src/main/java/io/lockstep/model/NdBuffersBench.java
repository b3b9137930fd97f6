package io.lockstep.model;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: the bulk copies between Java arrays and ND4J of {@link NdBuffers} (package-private, hence this
 * benchmark lives in the bench module under the same package) against ND4J's own
 * {@code Nd4j.create(float[], shape)}, which they replaced. {@code n} = 269,322 is the MLP's parameter
 * (and gradient) count.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NdBuffersBench {
    @Param({"269322"})
    public int n;

    private float[] values;
    private INDArray target;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(5);
        values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) r.nextDouble();
        }
        target = Nd4j.createUninitialized(DataType.FLOAT, new long[] {1, n}, 'c');
    }

    /** {@link NdBuffers#matrix}: a new native array filled with one bulk put. */
    @Benchmark
    public INDArray matrixBulk() {
        return NdBuffers.matrix(values, 1, n);
    }

    /** The element-by-element copy {@code NdBuffers.matrix} replaced. */
    @Benchmark
    public INDArray nd4jCreate() {
        return Nd4j.create(values, new long[] {1, n}, 'c');
    }

    /** {@link NdBuffers#copyInto}: overwrite an existing native array (parameters into the network). */
    @Benchmark
    public INDArray copyInto() {
        NdBuffers.copyInto(values, target);
        return target;
    }

    /** {@link NdBuffers#toFloats}: native array to a new Java array (the gradient out of the network). */
    @Benchmark
    public float[] toFloats() {
        return NdBuffers.toFloats(target);
    }
}
