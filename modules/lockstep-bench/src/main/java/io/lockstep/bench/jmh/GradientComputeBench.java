package io.lockstep.bench.jmh;

import io.lockstep.grad.GradientSum;
import io.lockstep.model.GradientWorker;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One worker's share of a step without Spark on {@code rows} random MNIST-shaped examples (with P = 2
 * workers, rows = B/2). The thread count is whatever ND4J started with ({@code OMP_NUM_THREADS};
 * {@code bin/lockstep} sets 1).
 * <ul>
 *   <li>{@code gradientSum}: Lockstep's {@link GradientWorker#gradientSum} (set parameters, gather rows,
 *       forward, backward, copy the gradient out).</li>
 *   <li>{@code dl4jGradient}: plain DL4J alone, no code of Lockstep's: {@code setInput}, {@code setLabels},
 *       {@code computeGradientAndScore()} on arrays built once, for DL4J-side settings ({@code knob}):
 *       {@code default} (the built-in MLP as Lockstep builds it), {@code ws-none} (training workspaces off),
 *       {@code no-helpers} (ND4J's platform helpers, e.g. oneDNN, disallowed), {@code no-periodic-gc} (ND4J's
 *       periodic {@code System.gc()} off), {@code loss-layer} (dense 256→10 + a {@code LossLayer} with softmax
 *       and MCXENT instead of the {@code OutputLayer}), {@code double} (float64).</li>
 * </ul>
 * See {@code io.lockstep.model.WorkerSplitBench} for the phases of {@code gradientSum}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GradientComputeBench {
    private static final int SHARD = 8192;

    /** Lockstep's worker on a shard. */
    @State(Scope.Thread)
    public static class Worker {
        @Param({"128", "512", "2048"})
        public int rows;

        GradientWorker worker;
        float[] params;
        float[] features;
        int[] labels;
        int[] batch;

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
    }

    /** A plain DL4J network and one batch, with one DL4J-side setting changed. */
    @State(Scope.Thread)
    public static class Plain {
        @Param({"128", "512", "2048"})
        public int rows;

        @Param({"default", "ws-none", "no-helpers", "no-periodic-gc", "loss-layer", "double"})
        public String knob;

        MultiLayerNetwork net;
        INDArray x;
        INDArray y;

        @Setup
        public void setUp() {
            DataType type = knob.equals("double") ? DataType.DOUBLE : DataType.FLOAT;
            MultiLayerConfiguration conf = switch (knob) {
                case "loss-layer" -> mlpWithLossLayer();
                case "double" -> mlpOfType(DataType.DOUBLE);
                default -> Models.mlp(MlpFixture.FEATURES, MlpFixture.CLASSES, 42);
            };
            if (knob.equals("ws-none")) {
                conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
                conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
            }
            Nd4j.getEnvironment().allowHelpers(!knob.equals("no-helpers"));
            Nd4j.getMemoryManager().togglePeriodicGc(!knob.equals("no-periodic-gc"));
            net = new MultiLayerNetwork(conf);
            net.init();
            SplittableRandom r = new SplittableRandom(4);
            float[] f = MlpFixture.randomFloats(rows * MlpFixture.FEATURES, 1f, 3);
            x = Nd4j.create(f, new long[] {rows, MlpFixture.FEATURES}, 'c').castTo(type);
            y = Nd4j.zeros(type, rows, MlpFixture.CLASSES);
            for (int i = 0; i < rows; i++) {
                y.putScalar(i, r.nextInt(MlpFixture.CLASSES), 1.0);
            }
        }
    }

    @Benchmark
    public GradientSum gradientSum(Worker s) {
        return s.worker.gradientSum(s.params, s.features, s.labels, s.batch);
    }

    @Benchmark
    public double dl4jGradient(Plain s) {
        s.net.setInput(s.x);
        s.net.setLabels(s.y);
        s.net.computeGradientAndScore();
        return s.net.score();
    }

    /** The built-in MLP with the softmax and loss in a parameter-free {@code LossLayer} after a 256→10 dense layer. */
    static MultiLayerConfiguration mlpWithLossLayer() {
        return base(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(MlpFixture.FEATURES).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(MlpFixture.CLASSES).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
                .build();
    }

    /** The built-in MLP's layers in another data type. */
    static MultiLayerConfiguration mlpOfType(DataType type) {
        return base(type).list()
                .layer(new DenseLayer.Builder().nIn(MlpFixture.FEATURES).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(LossFunction.MCXENT).nIn(256)
                        .nOut(MlpFixture.CLASSES).activation(Activation.SOFTMAX).build())
                .build();
    }

    private static NeuralNetConfiguration.Builder base(DataType type) {
        return new NeuralNetConfiguration.Builder().seed(42).dataType(type).weightInit(WeightInit.RELU)
                .updater(new NoOp());
    }
}
