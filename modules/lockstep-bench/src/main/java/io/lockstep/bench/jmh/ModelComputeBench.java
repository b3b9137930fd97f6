package io.lockstep.bench.jmh;

import io.lockstep.grad.GradientSum;
import io.lockstep.model.GradientWorker;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
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
 * One worker's gradient ({@link GradientWorker#gradientSum}) for each built-in model of the zoo at a
 * realistic per-worker batch: {@code mlp} 128, {@code lenet} 64, {@code resnet} 32 rows of random
 * MNIST-shaped examples ({@link #rowsOf}). Used to compare nd4j-native's classifier jars
 * ({@code scripts/bench-classifiers.sh}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ModelComputeBench {
    private static final int SHARD = 4096;

    @Param({"mlp", "lenet", "resnet"})
    public String model;

    private GradientWorker worker;
    private float[] params;
    private float[] features;
    private int[] labels;
    private int[] batch;

    /** The per-worker batch measured for a built-in model. */
    static int rowsOf(String model) {
        return switch (model) {
            case "mlp" -> 128;
            case "lenet" -> 64;
            case "resnet" -> 32;
            default -> throw new IllegalArgumentException("model: no batch size for '" + model + "'");
        };
    }

    @Setup
    public void setUp() {
        ModelAdapter m = Models.byName(model, MlpFixture.FEATURES, MlpFixture.CLASSES, 42);
        worker = m.newWorker();
        params = m.initialParams();
        features = MlpFixture.randomFloats(SHARD * MlpFixture.FEATURES, 1f, 3);
        SplittableRandom r = new SplittableRandom(4);
        labels = r.ints(SHARD, 0, MlpFixture.CLASSES).toArray();
        batch = r.ints(rowsOf(model), 0, SHARD).toArray();
    }

    @Benchmark
    public GradientSum gradientSum() {
        return worker.gradientSum(params, features, labels, batch);
    }

    /** The gradient of the benchmark's batch (for comparing classifier jars). */
    GradientSum once() {
        return gradientSum();
    }
}
