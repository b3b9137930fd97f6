package io.lockstep.model;

import io.lockstep.grad.GradientSum;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: where one worker's time goes on the MNIST MLP (784-256-256-10) for {@code rows} examples, phase by
 * phase of {@link GradientWorker#gradientSum} (package-private parts, hence this package): parameter
 * copy-in, row gather + one-hot labels, DL4J's training-mode forward pass alone, DL4J's forward + backward
 * ({@code computeGradientAndScore}), gradient copy-out, and the whole call. {@code workspace} is DL4J's
 * training/inference workspace mode of the network (the built-in models leave DL4J's default, ENABLED).
 * The thread count is whatever ND4J started with ({@code OMP_NUM_THREADS}; {@code bin/lockstep} sets 1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WorkerSplitBench {
    private static final int FEATURES = 784;
    private static final int CLASSES = 10;
    private static final int SHARD = 8192;

    @Param({"128", "512", "2048"})
    public int rows;

    @Param({"ENABLED", "NONE"})
    public WorkspaceMode workspace;

    private Network net;
    private MultiLayerNetwork dl4j;
    private GradientWorker worker;
    private float[] params;
    private float[] features;
    private int[] labels;
    private int[] batch;
    private INDArray x;
    private INDArray y;
    // the matrices gatherOneHot overwrites each call, as the worker reuses its pass inputs
    private INDArray xReused;
    private INDArray yReused;

    @Setup
    public void setUp() {
        MultiLayerConfiguration conf = Models.mlp(FEATURES, CLASSES, 42);
        conf.setTrainingWorkspaceMode(workspace);
        conf.setInferenceWorkspaceMode(workspace);
        dl4j = new MultiLayerNetwork(conf);
        dl4j.init();
        net = new MultiLayerNetworkAdapter(dl4j);
        ModelAdapter model = ModelAdapter.of("mlp", conf, FEATURES, CLASSES);
        worker = new GradientWorker(net, model.layout(), FEATURES, CLASSES);
        params = model.initialParams();
        SplittableRandom r = new SplittableRandom(3);
        features = new float[SHARD * FEATURES];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) r.nextDouble();
        }
        labels = r.ints(SHARD, 0, CLASSES).toArray();
        batch = r.ints(rows, 0, SHARD).toArray();
        x = NdBuffers.gatherRows(features, batch, FEATURES);
        y = NdBuffers.oneHot(labels, batch, CLASSES);
        xReused = NdBuffers.detachedMatrix(rows, FEATURES);
        yReused = NdBuffers.detachedMatrix(rows, CLASSES);
        NdBuffers.copyInto(params, net.params());
        net.computeGradient(x, y); // DL4J creates the gradient view on the first pass
    }

    /** What the workspaces of this thread hold after the measurement (in the fork's output). */
    @TearDown
    public void tearDown() {
        System.out.println();
        System.out.println("workspace " + workspace + ", rows " + rows + ": " + Nd4j.getWorkspaceManager()
                .getAllWorkspacesForCurrentThread().stream()
                .map(w -> w.getId() + " " + (w.getCurrentSize() >> 10) + " KiB (cycles " + w.getGenerationId() + ")")
                .toList());
    }

    @Benchmark
    public INDArray copyIn() {
        NdBuffers.copyInto(params, net.params());
        return net.params();
    }

    /** The worker's own gather + one-hot: into matrices kept across passes, as {@code GradientWorker} does. */
    @Benchmark
    public INDArray gatherOneHot() {
        NdBuffers.gatherRowsInto(xReused, features, batch, 0, batch.length, FEATURES);
        NdBuffers.oneHotInto(yReused, labels, batch, 0, batch.length, CLASSES);
        return xReused;
    }

    @Benchmark
    public INDArray forward() {
        return dl4j.output(x, true);
    }

    @Benchmark
    public double forwardBackward() {
        net.computeGradient(x, y);
        return net.score();
    }

    @Benchmark
    public float[] copyOut() {
        return NdBuffers.toFloats(net.gradients());
    }

    @Benchmark
    public GradientSum gradientSum() {
        return worker.gradientSum(params, features, labels, batch);
    }
}
