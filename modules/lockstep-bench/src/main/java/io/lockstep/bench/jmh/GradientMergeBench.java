package io.lockstep.bench.jmh;

import io.lockstep.grad.GradientAccumulator;
import io.lockstep.grad.GradientSum;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Merging gradient sums of the MLP's length: the driver's {@link GradientAccumulator} over P partials
 * followed by the division by B ({@code meanGradient}), and a worker's in-place
 * {@link GradientSum#plus} (micro-batch accumulation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GradientMergeBench {
    @Param({"2"})
    public int partials;

    private int numParams;
    private GradientSum[] parts;
    private GradientSum accumulated;
    private GradientSum micro;

    @Setup
    public void setUp() {
        numParams = MlpFixture.model().numParams();
        parts = new GradientSum[partials];
        for (int i = 0; i < partials; i++) {
            parts[i] = GradientSum.of(MlpFixture.randomFloats(numParams, 1f, i), 1.0, 512);
        }
        accumulated = GradientSum.of(MlpFixture.randomFloats(numParams, 1f, 100), 1.0, 512);
        micro = GradientSum.of(MlpFixture.randomFloats(numParams, 1e-6f, 101), 1.0, 512);
    }

    /** Driver: add P partials in partition order (double precision), then the mean gradient as float32. */
    @Benchmark
    public float[] driverMergeAndMean() {
        GradientAccumulator acc = new GradientAccumulator(numParams);
        for (GradientSum p : parts) {
            acc.add(p);
        }
        return acc.meanGradient();
    }

    /** Worker: add one micro-batch's gradient sum into the running sum (in place, float32). */
    @Benchmark
    public GradientSum workerPlus() {
        accumulated = accumulated.plus(micro);
        return accumulated;
    }
}
