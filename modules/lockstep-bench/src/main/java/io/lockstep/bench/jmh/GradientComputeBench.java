package io.lockstep.bench.jmh;

import io.lockstep.grad.GradientSum;
import io.lockstep.model.GradientWorker;
import io.lockstep.model.ModelAdapter;
import java.util.SplittableRandom;
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
 * One worker's share of a step without Spark: {@link GradientWorker#gradientSum} (set parameters,
 * gather rows, forward, backward, copy the gradient out) on {@code rows} random MNIST-shaped
 * examples. With P = 2 workers, rows = B/2. The thread count is whatever ND4J started with
 * ({@code OMP_NUM_THREADS}; {@code bin/lockstep} sets 1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GradientComputeBench {
    private static final int SHARD = 8192;

    @Param({"512", "2048"})
    public int rows;

    private GradientWorker worker;
    private float[] params;
    private float[] features;
    private int[] labels;
    private int[] batch;

    @Setup
    public void setUp() {
        ModelAdapter model = MlpFixture.model();
        worker = model.newWorker();
        params = model.initialParams();
        features = MlpFixture.randomFloats(SHARD * MlpFixture.FEATURES, 1f, 3);
        SplittableRandom r = new SplittableRandom(4);
        labels = r.ints(SHARD, 0, MlpFixture.CLASSES).toArray();
        batch = r.ints(rows, 0, SHARD).toArray();
    }

    @Benchmark
    public GradientSum gradientSum() {
        return worker.gradientSum(params, features, labels, batch);
    }
}
