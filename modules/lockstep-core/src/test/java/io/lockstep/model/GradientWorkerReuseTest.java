package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.StepShare;
import io.lockstep.grad.EvalSum;
import io.lockstep.grad.GradientSum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link GradientWorker} reuses its input/label matrices across passes (per pass size) and a scratch gradient
 * array within a call: every result must stay bit-identical to plain DL4J's {@code computeGradientAndScore} on the
 * same rows, however many calls of other sizes ran on the same worker before, and a returned gradient must not
 * change when the worker runs again. The references are plain DL4J networks with their own input arrays built
 * here; the running-statistic slots are found from DL4J's own batch-norm parameter keys and multiplied by the
 * pass size b (the worker's documented contract: every slot of a partial is a sum).
 */
class GradientWorkerReuseTest {
    private static final int FEATURES = 784;
    private static final int CLASSES = 10;
    private static final int SHARD = 40;
    private static final Set<String> STAT_KEYS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
    /** More distinct sizes than the worker keeps (6 > {@link GradientWorker.PassInputs#SIZES}), revisited. */
    private static final int[] SIZES = {5, 3, 5, 7, 2, 9, 5, 3, 1, 7, 5};

    private static final float[] FEATURES_OF_SHARD = randomFeatures(21);
    private static final int[] LABELS = randomLabels(22);

    private static float[] randomFeatures(long seed) {
        Random r = new Random(seed);
        float[] f = new float[SHARD * FEATURES];
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextFloat();
        }
        return f;
    }

    private static int[] randomLabels(long seed) {
        Random r = new Random(seed);
        int[] y = new int[SHARD];
        for (int i = 0; i < SHARD; i++) {
            y[i] = r.nextInt(CLASSES);
        }
        return y;
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT).weightInit(WeightInit.RELU)
                .updater(new NoOp());
    }

    /** Dropout on the input layer (where DL4J may drop in place) and a hidden one, batch norm between. */
    private static MultiLayerConfiguration dropoutBatchNormMlp() {
        return base().list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new BatchNormalization.Builder().nOut(16).build())
                .layer(new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.RELU).dropOut(0.5).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(12).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    private static ComputationGraphConfiguration dropoutBatchNormGraph() {
        return base().graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(Activation.IDENTITY)
                        .dropOut(0.7).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().nOut(16).build(), "dense")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "relu")
                .setOutputs("out").build();
    }

    /** A plain DL4J network of {@code conf} holding {@code params}, and its one pass per call. */
    private record Plain(Model net, List<int[]> statRanges) {
        static Plain of(MultiLayerConfiguration conf, float[] params) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
            net.init(Nd4j.create(params), true);
            List<int[]> stats = new ArrayList<>();
            for (int i = 0; i < net.getnLayers(); i++) {
                addStats(net.getLayer(i).paramTable(false), net.params(), stats);
            }
            return new Plain(net, stats);
        }

        static Plain of(ComputationGraphConfiguration conf, float[] params) {
            ComputationGraph net = new ComputationGraph(conf.clone());
            net.init(Nd4j.create(params), true);
            List<int[]> stats = new ArrayList<>();
            for (GraphVertex v : net.getVertices()) {
                if (v.hasLayer()) {
                    addStats(v.paramTable(false), net.params(), stats);
                }
            }
            return new Plain(net, stats);
        }

        private static void addStats(Map<String, INDArray> table, INDArray flat, List<int[]> out) {
            for (Map.Entry<String, INDArray> e : table.entrySet()) {
                if (STAT_KEYS.contains(e.getKey())) {
                    int from = (int) (e.getValue().offset() - flat.offset());
                    out.add(new int[] {from, from + (int) e.getValue().length()});
                }
            }
        }

        /** DL4J's own pass on rows {@code rows}, seeded with {@code seed}: gradient (stat slots × b) and loss sum. */
        Pass pass(int[] rows, long seed) {
            int b = rows.length;
            float[] x = new float[b * FEATURES];
            float[] y = new float[b * CLASSES];
            for (int i = 0; i < b; i++) {
                System.arraycopy(FEATURES_OF_SHARD, rows[i] * FEATURES, x, i * FEATURES, FEATURES);
                y[i * CLASSES + LABELS[rows[i]]] = 1f;
            }
            INDArray xs = Nd4j.create(x, new long[] {b, FEATURES}, 'c');
            INDArray ys = Nd4j.create(y, new long[] {b, CLASSES}, 'c');
            Nd4j.getRandom().setSeed(seed);
            if (net instanceof MultiLayerNetwork m) {
                m.setInput(xs);
                m.setLabels(ys);
                m.computeGradientAndScore();
            } else {
                ComputationGraph g = (ComputationGraph) net;
                g.setInputs(xs);
                g.setLabels(ys);
                g.computeGradientAndScore();
            }
            INDArray view = net instanceof MultiLayerNetwork m ? m.getGradientsViewArray()
                    : ((ComputationGraph) net).getGradientsViewArray();
            float[] grad = view.dup().data().asFloat();
            for (int[] r : statRanges) {
                for (int i = r[0]; i < r[1]; i++) {
                    grad[i] *= b;
                }
            }
            return new Pass(grad, net.score() * b, b);
        }
    }

    private record Pass(float[] grad, double lossSum, int count) {}

    private static int[] rowsOfCall(int call, int size) {
        Random r = new Random(100 + call);
        return r.ints(size, 0, SHARD).toArray();
    }

    private static void assertSameAsDl4jOverManyCalls(ModelAdapter model, Plain plain) {
        GradientWorker worker = model.newWorker();
        float[] params = model.initialParams();
        long seed = PassSeed.of(0, 0, 0, 0); // the one-ghost call is seeded as ghost 0 of step 0
        for (int call = 0; call < SIZES.length; call++) {
            int[] rows = rowsOfCall(call, SIZES[call]);
            GradientSum ours = worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, rows);
            Pass ref = plain.pass(rows, seed);
            String what = model.name() + ", call " + call + " (" + rows.length + " rows)";
            assertEquals(ref.count(), ours.count(), what);
            assertArrayEquals(ref.grad(), ours.gradientSum(), what); // bit-identical, not merely close
            assertEquals(ref.lossSum(), ours.lossSum(), 0.0, what);
        }
    }

    @Test
    void builtInMlpsStayBitIdenticalToDl4jAcrossCallsOfChangingSizes() {
        MultiLayerConfiguration mlp = Models.mlp(FEATURES, CLASSES, 3);
        assertSameAsDl4jOverManyCalls(ModelAdapter.of("mlp", mlp, FEATURES, CLASSES),
                Plain.of(mlp, ModelAdapter.of("mlp", mlp, FEATURES, CLASSES).initialParams()));
        MultiLayerConfiguration bn = Models.mlpBatchNorm(FEATURES, CLASSES, 3);
        ModelAdapter bnModel = ModelAdapter.of("mlp-bn", bn, FEATURES, CLASSES);
        assertTrue(bnModel.layout().has(ParamRole.RUNNING_STAT), "mlp-bn has running statistics");
        assertSameAsDl4jOverManyCalls(bnModel, Plain.of(bn, bnModel.initialParams()));
    }

    @Test
    void dropoutAndBatchNormStayBitIdenticalForBothNetworkKinds() {
        MultiLayerConfiguration mlp = dropoutBatchNormMlp();
        ModelAdapter m = ModelAdapter.of("dropout-bn", mlp, FEATURES, CLASSES);
        assertTrue(m.stochastic() && m.batchNorm());
        assertSameAsDl4jOverManyCalls(m, Plain.of(mlp, m.initialParams()));
        ComputationGraphConfiguration graph = dropoutBatchNormGraph();
        ModelAdapter g = ModelAdapter.of("dropout-bn-graph", graph, FEATURES, CLASSES);
        assertTrue(g.stochastic() && g.batchNorm());
        assertSameAsDl4jOverManyCalls(g, Plain.of(graph, g.initialParams()));
    }

    /**
     * Two ghost batches of 4 and 3 rows with micro-batches of 2: four passes (2, 2, 2, 1 rows), the later three
     * through the worker's scratch array. Reference: DL4J's four passes added in the same order.
     */
    @Test
    void microAndGhostBatchesSumDl4jsPassesInOrder() {
        ComputationGraphConfiguration graph = dropoutBatchNormGraph();
        ModelAdapter model = ModelAdapter.of("dropout-bn-graph", graph, FEATURES, CLASSES);
        float[] params = model.initialParams();
        Plain plain = Plain.of(graph, params);
        GradientWorker worker = model.newWorker();
        long runSeed = 77;
        for (int step = 0; step < 3; step++) {
            int[] rows = rowsOfCall(50 + step, 7);
            StepShare share = new StepShare(rows, new int[] {4, 7}, 2);
            GradientSum ours = worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, share, 2, runSeed, step);

            int[][] passes = {{0, 2}, {2, 4}, {4, 6}, {6, 7}};
            int[][] ghostMicro = {{2, 0}, {2, 1}, {3, 0}, {3, 1}};
            float[] sum = null;
            double loss = 0;
            for (int k = 0; k < passes.length; k++) {
                int[] part = Arrays.copyOfRange(rows, passes[k][0], passes[k][1]);
                Pass p = plain.pass(part, PassSeed.of(runSeed, step, ghostMicro[k][0], ghostMicro[k][1]));
                if (sum == null) {
                    sum = p.grad();
                } else {
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += p.grad()[i];
                    }
                }
                loss += p.lossSum();
            }
            assertEquals(7, ours.count());
            assertEquals(4, ours.parts());
            assertArrayEquals(sum, ours.gradientSum(), "step " + step);
            assertEquals(loss, ours.lossSum(), 0.0, "step " + step);
            // a one-pass call of another size in between must not disturb the next multi-pass call
            worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, rowsOfCall(60 + step, 3 + step));
        }
    }

    @Test
    void aReturnedGradientIsNeverChangedByLaterCalls() {
        MultiLayerConfiguration mlp = dropoutBatchNormMlp();
        ModelAdapter model = ModelAdapter.of("dropout-bn", mlp, FEATURES, CLASSES);
        float[] params = model.initialParams();
        GradientWorker worker = model.newWorker();
        int[] rows = rowsOfCall(1, 5);
        GradientSum first = worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, rows);
        float[] kept = first.gradientSum().clone();
        StepShare share = new StepShare(rowsOfCall(2, 6), new int[] {3, 6}, 0);
        GradientSum multi = worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, share, 2, 5, 1);
        float[] keptMulti = multi.gradientSum().clone();
        GradientSum same = worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, rows);
        worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, share, 1, 5, 2);
        worker.evaluate(params, FEATURES_OF_SHARD, LABELS, 0, SHARD, 5);
        assertNotSame(first.gradientSum(), same.gradientSum());
        assertNotSame(first.gradientSum(), multi.gradientSum());
        assertArrayEquals(kept, first.gradientSum(), "the first result's array after later calls");
        assertArrayEquals(keptMulti, multi.gradientSum(), "a multi-pass result's array after later calls");
        assertArrayEquals(kept, same.gradientSum(), "the same rows again give the same gradient");
    }

    /** Plain DL4J evaluation of rows [from, to) in chunks: output(x, false) argmax and score(ds, false) × n. */
    private static EvalSum dl4jEval(MultiLayerNetwork net, int from, int to, int chunk) {
        return EvaluateOnePassTest.dl4jEvaluation(net, FEATURES_OF_SHARD, LABELS, FEATURES, CLASSES, from, to, chunk);
    }

    @Test
    void evaluationStaysBitIdenticalToDl4jAcrossRangesAndChunkSizes() {
        MultiLayerConfiguration conf = Models.mlpBatchNorm(FEATURES, CLASSES, 4);
        ModelAdapter model = ModelAdapter.of("mlp-bn", conf, FEATURES, CLASSES);
        float[] params = model.initialParams();
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init(Nd4j.create(params), true);
        GradientWorker worker = model.newWorker();
        int[][] calls = {{0, SHARD, 7}, {3, 30, 5}, {0, SHARD, 7}, {10, 11, 1}, {1, 39, 9}, {0, SHARD, 40}, {3, 30, 5}};
        for (int[] c : calls) {
            worker.gradientSum(params, FEATURES_OF_SHARD, LABELS, rowsOfCall(c[2], c[2])); // training in between
            EvalSum ours = worker.evaluate(params, FEATURES_OF_SHARD, LABELS, c[0], c[1], c[2]);
            EvalSum ref = dl4jEval(plain, c[0], c[1], c[2]);
            String what = "rows [" + c[0] + ", " + c[1] + ") in chunks of " + c[2];
            assertEquals(ref.count(), ours.count(), what);
            assertEquals(ref.correct(), ours.correct(), what);
            assertEquals(ref.lossSum(), ours.lossSum(), 0.0, what);
        }
    }

    @Test
    void passInputsKeepTheMostRecentlyUsedSizesOnly() {
        GradientWorker.PassInputs inputs = new GradientWorker.PassInputs(3, 2);
        GradientWorker.PassInputs.Pair five = inputs.of(5);
        assertSame(five, inputs.of(5), "the same size gives the same matrices");
        assertArrayEquals(new long[] {5, 3}, five.x().shape());
        assertArrayEquals(new long[] {5, 2}, five.y().shape());
        for (int n = 1; n <= GradientWorker.PassInputs.SIZES; n++) {
            inputs.of(100 + n); // SIZES other sizes: 5 is now the least recently used
        }
        assertEquals(GradientWorker.PassInputs.SIZES, inputs.sizes());
        assertNotSame(five, inputs.of(5), "the least recently used size was dropped");
        assertEquals(GradientWorker.PassInputs.SIZES, inputs.sizes());
    }
}
