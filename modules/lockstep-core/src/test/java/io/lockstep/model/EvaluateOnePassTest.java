package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.grad.EvalSum;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Evaluation ({@link GradientWorker#evaluate}) runs one forward pass per chunk and gives exactly what plain
 * DL4J gives with its two calls per chunk ({@code output(x, false)} for the predictions, {@code score(ds, false)}
 * for the loss), for both network kinds and every built-in model. The references are built with DL4J only.
 */
class EvaluateOnePassTest {
    private static final int ROWS = 9;
    private static final int CHUNK = 4; // chunks of 4, 4, 1
    private static final int FEATURES = 784;
    private static final int CLASSES = 10;

    private static float[] features(long seed) {
        Random r = new Random(seed);
        float[] f = new float[ROWS * FEATURES];
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextFloat();
        }
        return f;
    }

    private static int[] labels() {
        int[] y = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = (i * 7) % CLASSES;
        }
        return y;
    }

    /** Plain DL4J over the same chunks: loss sum of score(ds, false) × rows, correct argmax of output(x, false). */
    private static EvalSum dl4jReference(Model net, float[] f, int[] y) {
        return dl4jEvaluation(net, f, y, FEATURES, CLASSES, 0, ROWS, CHUNK);
    }

    /**
     * Plain DL4J's evaluation of rows {@code [from, to)} of {@code f}/{@code y} in chunks of {@code chunk}: loss
     * sum of {@code score(ds, false)} × rows and correct argmax of {@code output(x, false)}, per chunk, merged in
     * order (the reference of the worker's evaluation tests).
     */
    static EvalSum dl4jEvaluation(Model net, float[] f, int[] y, int features, int classes, int from, int to,
                                  int chunk) {
        EvalSum total = EvalSum.empty();
        for (int start = from; start < to; start += chunk) {
            int n = Math.min(to, start + chunk) - start;
            float[] x = new float[n * features];
            System.arraycopy(f, start * features, x, 0, x.length);
            float[] oneHot = new float[n * classes];
            for (int i = 0; i < n; i++) {
                oneHot[i * classes + y[start + i]] = 1f;
            }
            DataSet ds = new DataSet(Nd4j.create(x, new long[] {n, features}, 'c'),
                    Nd4j.create(oneHot, new long[] {n, classes}, 'c'));
            INDArray out = net instanceof MultiLayerNetwork m ? m.output(ds.getFeatures(), false)
                    : ((ComputationGraph) net).output(false, ds.getFeatures())[0];
            double mean = net instanceof MultiLayerNetwork m ? m.score(ds, false) : ((ComputationGraph) net).score(ds, false);
            INDArray predicted = out.argMax(1);
            long correct = 0;
            for (int i = 0; i < n; i++) {
                if (predicted.getInt(i) == y[start + i]) {
                    correct++;
                }
            }
            total = total.merge(new EvalSum(mean * n, correct, n));
        }
        return total;
    }

    private static MultiLayerNetwork plain(MultiLayerConfiguration conf, float[] params) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init(Nd4j.create(params), true);
        return net;
    }

    private static ComputationGraph plain(ComputationGraphConfiguration conf, float[] params) {
        ComputationGraph net = new ComputationGraph(conf.clone());
        net.init(Nd4j.create(params), true);
        return net;
    }

    private static void assertSameAsDl4j(ModelAdapter model, Model reference, float[] params) {
        float[] f = features(11);
        int[] y = labels();
        EvalSum ours = model.newWorker().evaluate(params, f, y, CHUNK);
        EvalSum dl4j = dl4jReference(reference, f, y);
        assertEquals(dl4j.count(), ours.count(), model.name());
        assertEquals(dl4j.correct(), ours.correct(), model.name());
        assertEquals(dl4j.lossSum(), ours.lossSum(), 0.0, model.name()); // bit-identical, not merely close
    }

    @Test
    void multiLayerModelsGiveExactlyDl4jsLossAndAccuracy() {
        for (String name : new String[] {"mlp", "mlp-bn", "lenet"}) {
            MultiLayerConfiguration conf = switch (name) {
                case "mlp" -> Models.mlp(FEATURES, CLASSES, 5);
                case "mlp-bn" -> Models.mlpBatchNorm(FEATURES, CLASSES, 5);
                default -> Models.lenet(FEATURES, CLASSES, 5);
            };
            ModelAdapter model = ModelAdapter.of(name, conf, FEATURES, CLASSES);
            float[] params = model.initialParams();
            assertSameAsDl4j(model, plain(conf, params), params);
        }
    }

    @Test
    void residualGraphGivesExactlyDl4jsLossAndAccuracy() {
        ComputationGraphConfiguration conf = Models.resnet(FEATURES, CLASSES, 5, new int[] {4, 8, 8}, 2);
        ModelAdapter model = ModelAdapter.of("resnet", conf, FEATURES, CLASSES);
        float[] params = model.initialParams();
        assertSameAsDl4j(model, plain(conf, params), params);
    }

    @Test
    void aGraphWhoseOutputReadsTheInputDirectly() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.XAVIER)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.NEGATIVELOGLIKELIHOOD).nIn(FEATURES).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        ModelAdapter model = ModelAdapter.of("logreg", conf, FEATURES, CLASSES);
        float[] params = model.initialParams();
        assertSameAsDl4j(model, plain(conf, params), params);
    }

    /** ReLU that counts how often a layer's forward pass applies it (one JVM: a static counter). */
    public static final class CountingRelu extends BaseActivationFunction {
        static final AtomicInteger FORWARD = new AtomicInteger();
        private final ActivationReLU relu = new ActivationReLU();

        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            FORWARD.incrementAndGet();
            return relu.getActivation(in, training);
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            return relu.backprop(in, epsilon);
        }
    }

    @Test
    void theFirstLayerRunsOncePerChunk() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.RELU)
                .updater(new NoOp()).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(new CountingRelu()).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                .build();
        ModelAdapter model = ModelAdapter.of("counting", conf, FEATURES, CLASSES);
        GradientWorker worker = model.newWorker();
        float[] params = model.initialParams();
        CountingRelu.FORWARD.set(0);
        worker.evaluate(params, features(2), labels(), CHUNK);
        assertEquals(3, CountingRelu.FORWARD.get(), "forward passes for 3 chunks (two per chunk before the fix)");
    }

    @Test
    void theFirstVertexOfAGraphRunsOncePerChunk() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.RELU)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(new CountingRelu()).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build();
        ModelAdapter model = ModelAdapter.of("counting-graph", conf, FEATURES, CLASSES);
        GradientWorker worker = model.newWorker();
        float[] params = model.initialParams();
        CountingRelu.FORWARD.set(0);
        EvalSum ours = worker.evaluate(params, features(2), labels(), CHUNK);
        assertEquals(3, CountingRelu.FORWARD.get(), "forward passes for 3 chunks");
        EvalSum dl4j = dl4jReference(plain(conf, params), features(2), labels());
        assertEquals(dl4j.lossSum(), ours.lossSum(), 0.0);
        assertEquals(dl4j.correct(), ours.correct());
    }
}
