package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamRole;
import io.lockstep.optim.OptimizerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The promise for the networks people really train: batch norm, dropout, frozen layers, residual
 * ComputationGraphs and LeNet. References come from plain DL4J only ({@link Dl4jReference}): its own
 * {@code fit} when one pass covers the whole batch, else DL4J passes over the same ghost batches combined
 * the way DL4J's updater expects and one DL4J update. P-invariance compares runs with P = 1..4 (uneven
 * shares included: B = 30 in ghost batches of 8 is 8+8+8+6) on replicated data.
 */
class RealModelsTest {
    private static final long SEED = 7;
    private static final int STEPS = 12;
    private static final double TOLERANCE = 1e-5;
    private static final double ADAM_EPSILON = 1e-6; // see DistributedEqualsLocalTest

    private static JavaSparkContext sc;
    private static Dataset blobs;
    private static Dataset images;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(4, "real-models");
        blobs = Synthetic.blobs(250, 12, 3, 11);
        images = Synthetic.blobs(96, 256, 3, 5); // 16x16 "images" for the CNNs
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(Arguments.of("sgd"), Arguments.of("nesterov"), Arguments.of("adam"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void batchNormWithOneGhostBatchEqualsPlainDl4jFit(String optimizer) {
        ModelAdapter model = Models.byName("mlp-bn", blobs.numFeatures(), blobs.numClasses(), SEED);
        TrainConfig config = config(optimizer, 32, 1, 32);
        float[] ours = train(model, blobs, config);
        float[] reference = Dl4jReference.train(model, blobs, 32, SEED, STEPS, dl4jUpdater(optimizer), 0.0);
        assertClose(model, ours, reference, optimizer + " BN, P=1, G=B vs plain DL4J fit");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void batchNormWithGhostBatchesEqualsDl4jPassesOverTheSameGhostBatches(String optimizer) {
        ModelAdapter model = Models.byName("mlp-bn", blobs.numFeatures(), blobs.numClasses(), SEED);
        float[] reference = Dl4jReference.trainGhost(model, blobs, 30, 8, SEED, STEPS, dl4jUpdater(optimizer), false);
        for (int p : new int[] {1, 3}) {
            float[] ours = train(model, blobs, config(optimizer, 30, p, 8));
            assertClose(model, ours, reference, optimizer + " BN, P=" + p + ", G=8, B=30 vs DL4J ghost passes");
        }
    }

    @Test
    void batchNormAndDropoutDoNotDependOnTheWorkerCount() {
        ModelAdapter model = ModelAdapter.of("bn-dropout", bnDropout(blobs.numFeatures(), blobs.numClasses()),
                blobs.numFeatures(), blobs.numClasses());
        assertTrue(model.batchNorm() && model.stochastic());
        float[] one = train(model, blobs, config("nesterov", 30, 1, 8));
        for (int p = 2; p <= 4; p++) {
            assertClose(model, train(model, blobs, config("nesterov", 30, p, 8)), one, "BN + dropout, P=" + p + " vs P=1");
        }
        float[] reference = Dl4jReference.trainGhost(model, blobs, 30, 8, SEED, STEPS, dl4jUpdater("nesterov"), true);
        assertClose(model, one, reference, "BN + dropout vs DL4J ghost passes with the same seeded streams");
        assertArrayEquals(one, train(model, blobs, config("nesterov", 30, 1, 8)), "reruns are bit-identical");
    }

    @Test
    void computationGraphJsonWithResidualBatchNormAndDropoutDoesNotDependOnTheWorkerCount() throws IOException {
        Path file = dir.resolve("residual.json");
        Files.writeString(file, residualGraph(blobs.numFeatures(), blobs.numClasses()).toJson());
        ModelAdapter model = Models.fromJsonFile(file, blobs.numFeatures(), blobs.numClasses());
        assertTrue(model.kind() == ModelAdapter.Kind.GRAPH && model.batchNorm() && model.stochastic());
        float[] one = train(model, blobs, config("adam", 30, 1, 8));
        for (int p = 2; p <= 4; p++) {
            assertClose(model, train(model, blobs, config("adam", 30, p, 8)), one, "graph, P=" + p + " vs P=1");
        }
        float[] reference = Dl4jReference.trainGhost(model, blobs, 30, 8, SEED, STEPS, dl4jUpdater("adam"), true);
        assertClose(model, one, reference, "graph vs DL4J ghost passes");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"frozen", "frozen-with-backprop"})
    void frozenLayersStayBitIdenticalAndTheRestTrainsLikeDl4j(String wrapper) {
        ModelAdapter model = ModelAdapter.of(wrapper, frozenFirstLayer(blobs.numFeatures(), blobs.numClasses(),
                wrapper.equals("frozen")), blobs.numFeatures(), blobs.numClasses());
        ParamBlock frozenW = model.layout().blocks().get(0);
        assertTrue(frozenW.role() == ParamRole.FROZEN, frozenW.toString());
        TrainConfig config = TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(32)
                .workers(2).steps(STEPS).lr(1e-2).optimizer(OptimizerConfig.adam().withEpsilon(ADAM_EPSILON)
                        .withL2(1e-3)).seed(SEED).build();
        float[] init = model.initialParams();
        float[] ours = train(model, blobs, config);
        for (ParamBlock b : model.layout().blocks()) {
            if (b.role() == ParamRole.FROZEN) {
                assertArrayEquals(java.util.Arrays.copyOfRange(init, b.offset(), b.end()),
                        java.util.Arrays.copyOfRange(ours, b.offset(), b.end()), "frozen block " + b.key());
            }
        }
        float[] reference = Dl4jReference.train(model, blobs, 32, SEED, STEPS, new Adam(1e-2, 0.9, 0.999, ADAM_EPSILON), 1e-3);
        assertClose(model, ours, reference, wrapper + " vs plain DL4J fit");
    }

    @Test
    void lenetTrainsExactly() {
        ModelAdapter model = Models.byName("lenet", images.numFeatures(), images.numClasses(), SEED);
        TrainConfig config = config("sgd", 16, 2, 0).toBuilder().steps(5).build();
        float[] reference = Dl4jReference.train(model, images, 16, SEED, 5, dl4jUpdater("sgd"), 0.0);
        assertClose(model, train(model, images, config), reference, "lenet P=2 vs plain DL4J fit");
    }

    @Test
    void resnetBuiltInIsExactAndIndependentOfTheWorkerCount() {
        ModelAdapter model = Models.byName("resnet", images.numFeatures(), images.numClasses(), SEED);
        assertTrue(model.kind() == ModelAdapter.Kind.GRAPH && model.layout().has(ParamRole.RUNNING_STAT));
        TrainConfig full = config("nesterov", 16, 1, 16).toBuilder().steps(4).build();
        float[] reference = Dl4jReference.train(model, images, 16, SEED, 4, dl4jUpdater("nesterov"), 0.0);
        assertClose(model, train(model, images, full), reference, "resnet P=1, G=B vs plain DL4J fit");
        TrainConfig ghost = config("nesterov", 16, 1, 4).toBuilder().steps(4).build();
        float[] one = train(model, images, ghost);
        assertClose(model, train(model, images, ghost.withWorkers(2)), one, "resnet G=4, P=2 vs P=1");
    }

    private static TrainConfig config(String optimizer, int globalBatch, int workers, int ghostBatch) {
        return TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(globalBatch).workers(workers)
                .ghostBatch(ghostBatch).steps(STEPS).lr(optimizer.equals("adam") ? 1e-2 : 0.05)
                .optimizer(switch (optimizer) {
                    case "sgd" -> OptimizerConfig.sgd();
                    case "nesterov" -> OptimizerConfig.nesterov();
                    default -> OptimizerConfig.adam().withEpsilon(ADAM_EPSILON);
                }).seed(SEED).build();
    }

    private static IUpdater dl4jUpdater(String optimizer) {
        return switch (optimizer) {
            case "sgd" -> new Sgd(0.05);
            case "nesterov" -> new Nesterovs(0.05, 0.9);
            default -> new Adam(1e-2, 0.9, 0.999, ADAM_EPSILON);
        };
    }

    private static float[] train(ModelAdapter model, Dataset data, TrainConfig config) {
        ShardedDataset shards = ShardedDataset.replicate(sc, data, config.workers());
        try {
            return new SyncTrainer(sc, model, config).fit(shards, TrainListener.NONE).params();
        } finally {
            shards.release();
        }
    }

    /** Whole vector and, separately, the running statistics within {@link #TOLERANCE}; training must have moved. */
    private static void assertClose(ModelAdapter model, float[] ours, float[] reference, String what) {
        double err = Dl4jReference.relativeError(ours, reference);
        System.out.printf("%s: relative error %.3g%n", what, err);
        assertTrue(err < TOLERANCE, what + ": relative error " + err);
        for (ParamBlock b : model.layout().blocks()) {
            if (b.role() == ParamRole.RUNNING_STAT) {
                double e = Dl4jReference.relativeError(ours, reference, b.offset(), b.end());
                assertTrue(e < TOLERANCE, what + ": running statistic " + b.key() + " relative error " + e);
            }
        }
        assertTrue(Dl4jReference.relativeError(model.initialParams(), reference) > 1e-3, what + ": training moved");
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(SEED).dataType(DataType.FLOAT).weightInit(WeightInit.RELU)
                .updater(new NoOp());
    }

    /** dense(identity) → BN → ReLU → dense(ReLU, dropout 0.8 retained) → softmax. */
    static MultiLayerConfiguration bnDropout(int features, int classes) {
        return base().list()
                .layer(new DenseLayer.Builder().nIn(features).nOut(32).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().nOut(32).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(24).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(24).nOut(classes).activation(Activation.SOFTMAX).build())
                .build();
    }

    /** input → dense → BN → ReLU → dense(dropout) → +input projection → ReLU → softmax. */
    private static ComputationGraphConfiguration residualGraph(int features, int classes) {
        return base().graphBuilder().addInputs("in")
                .addLayer("proj", new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).build(), "in")
                .addLayer("d1", new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).build(), "proj")
                .addLayer("bn", new BatchNormalization.Builder().build(), "d1")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("d2", new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).dropOut(0.8).build(), "relu")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d2", "proj")
                .addLayer("out_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "out_relu")
                .setOutputs("out").setInputTypes(InputType.feedForward(features)).build();
    }

    /** Frozen dense 12→16, dense 16→16, softmax. */
    private static MultiLayerConfiguration frozenFirstLayer(int features, int classes, boolean plainFrozen) {
        DenseLayer first = new DenseLayer.Builder().nIn(features).nOut(16).activation(Activation.RELU).build();
        return base().list()
                .layer(plainFrozen ? new FrozenLayer.Builder().layer(first).build() : new FrozenLayerWithBackprop(first))
                .layer(new DenseLayer.Builder().nIn(16).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(classes).activation(Activation.SOFTMAX).build())
                .build();
    }
}
