package io.lockstep.optim;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ParameterUpdate (mean gradient + driver-side L2 / weight decay + optimizer) against a real DL4J
 * MultiLayerNetwork trained with fit(), and the DL4J facts it relies on.
 */
class ParameterUpdateDl4jTest {
    private static final int BATCH = 8;
    private static final int STEPS = 3;
    private static final double REG = 1e-2;

    /**
     * Regularization is set per layer, one instance each: DL4J M2.1's global
     * {@code NeuralNetConfiguration.Builder.weightDecay(c)} puts TWO WeightDecay instances on every
     * layer and drops any L2 (see {@link #dl4jGlobalBuilderQuirks()}).
     */
    private static MultiLayerConfiguration conf(IUpdater updater, double l2, double wd) {
        return new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(updater)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.TANH)
                        .regularization(regs(l2, wd)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(4).nOut(3).activation(Activation.SOFTMAX).regularization(regs(l2, wd)).build())
                .build();
    }

    private static List<Regularization> regs(double l2, double wd) {
        List<Regularization> r = new ArrayList<>();
        if (l2 > 0) {
            r.add(new L2Regularization(l2));
        }
        if (wd > 0) {
            r.add(new WeightDecay(wd, true));
        }
        return r;
    }

    private static MultiLayerNetwork net(IUpdater updater, double l2, double wd) {
        return init(conf(updater, l2, wd));
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration c) {
        MultiLayerNetwork n = new MultiLayerNetwork(c);
        n.init();
        return n;
    }

    private static DataSet batch(long seed) {
        Random rnd = new Random(seed);
        float[][] x = new float[BATCH][5];
        float[][] y = new float[BATCH][3];
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < 5; j++) {
                x[i][j] = (float) rnd.nextGaussian();
            }
            y[i][rnd.nextInt(3)] = 1f;
        }
        return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
    }

    /** ParamLayout in paramTable() order: keys "0_W", "0_b", ...; bias = name "b". */
    static ParamLayout layoutOf(MultiLayerNetwork net) {
        List<ParamBlock> blocks = new ArrayList<>();
        int offset = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            String key = e.getKey();
            int us = key.indexOf('_');
            int layer = Integer.parseInt(key.substring(0, us));
            String name = key.substring(us + 1);
            int len = (int) e.getValue().length();
            blocks.add(new ParamBlock(layer, name, offset, len, name.equals("b")));
            offset += len;
        }
        assertEquals(net.numParams(), offset);
        return new ParamLayout(blocks);
    }

    private static float[] gradientSum(MultiLayerNetwork net, DataSet ds) {
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        return net.getFlattenedGradients().dup().toFloatVector();
    }

    private static IUpdater dl4jUpdater(String type) {
        return switch (type) {
            case "sgd" -> new Sgd(0.1);
            case "nesterov" -> new Nesterovs(0.1, 0.9); // Nesterovs(double) sets the momentum
            case "adam" -> new Adam(0.01);
            default -> throw new IllegalArgumentException(type);
        };
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (String t : new String[]{"sgd", "nesterov", "adam"}) {
            a.add(Arguments.of(t, 0.0, 0.0));
            a.add(Arguments.of(t, REG, 0.0));
            a.add(Arguments.of(t, 0.0, REG));
            a.add(Arguments.of(t, REG, REG));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} l2={1} wd={2}")
    @MethodSource("cases")
    void matchesMultiLayerNetworkFit(String type, double l2, double wd) {
        IUpdater u = dl4jUpdater(type);
        OptimizerConfig cfg = OptimizerConfig.of(OptimizerType.parse(type)).withL2(l2).withWeightDecay(wd);
        double maxRel = fitVersusParameterUpdate(conf(u.clone(), l2, wd), cfg, u.getLearningRate(0, 0),
                type + " l2=" + l2 + " wd=" + wd);
        assertTrue(maxRel <= 1e-5, "max rel diff " + maxRel);
    }

    /**
     * Trains {@code dl4jConf} with fit() for STEPS batches of BATCH, and the same initial parameters
     * with computeGradientAndScore() (same configuration: the regularization does not reach the
     * gradient) + sum / BATCH + ParameterUpdate. Returns max |diff| / max |param|.
     */
    private static double fitVersusParameterUpdate(MultiLayerConfiguration dl4jConf, OptimizerConfig cfg,
                                                   double lr, String label) {
        MultiLayerNetwork reference = init(dl4jConf.clone());
        MultiLayerNetwork gradNet = init(dl4jConf.clone());
        float[] initial = reference.params().dup().toFloatVector();
        gradNet.setParams(Nd4j.createFromArray(initial.clone()).reshape(1, initial.length));

        ParameterUpdate pu = new ParameterUpdate(cfg, layoutOf(reference));
        float[] params = initial.clone();
        for (int step = 0; step < STEPS; step++) {
            DataSet ds = batch(100 + step);
            reference.fit(ds);

            float[] sum = gradientSum(gradNet, ds);
            float[] mean = new float[sum.length];
            for (int i = 0; i < sum.length; i++) {
                mean[i] = sum[i] / BATCH;
            }
            float[] meanCopy = mean.clone();
            pu.apply(params, mean, lr, step);
            assertArrayEquals(meanCopy, mean, "apply must not modify meanGradient");
            gradNet.setParams(Nd4j.createFromArray(params.clone()).reshape(1, params.length));
        }
        assertEquals(STEPS, reference.getIterationCount());

        float[] ref = reference.params().toFloatVector();
        double maxAbs = 0, maxDiff = 0, moved = 0;
        for (int i = 0; i < ref.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ref[i] - params[i]));
            moved = Math.max(moved, Math.abs(ref[i] - initial[i]));
        }
        System.out.printf("[optim] fit vs ParameterUpdate %s: max |diff| %.3e (max |param| %.3f, moved %.3e)%n",
                label, maxDiff, maxAbs, moved);
        assertTrue(moved > 1e-3, "parameters should have moved");
        return maxDiff / maxAbs;
    }

    /**
     * DL4J M2.1 quirks of the GLOBAL builder (documented here so baselines are configured right):
     * {@code .weightDecay(c)} attaches two WeightDecay(c) instances to every layer (weight decay
     * applied twice per step), and {@code .l2(a).weightDecay(c)} silently drops the L2 term.
     * {@code .l2(a)} alone is a single L2Regularization. Per-layer {@code regularization(list)} is exact.
     */
    @Test
    void dl4jGlobalBuilderQuirks() {
        MultiLayerConfiguration wdOnly = new NeuralNetConfiguration.Builder()
                .seed(12345).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .updater(new Adam(0.01)).l2(REG).weightDecay(REG)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(4).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        for (int i = 0; i < 2; i++) {
            List<Regularization> r = ((BaseLayer) wdOnly.getConf(i).getLayer()).getRegularization();
            assertEquals(2, r.size(), "layer " + i + ": " + r);
            assertTrue(r.stream().allMatch(x -> x instanceof WeightDecay), "layer " + i + ": " + r);
            assertTrue(((BaseLayer) wdOnly.getConf(i).getLayer()).getRegularizationBias().isEmpty());
        }
        // ... which is our weight decay 2c (two axpys vs one: rounding only), and no L2
        double rel = fitVersusParameterUpdate(wdOnly, OptimizerConfig.adam().withWeightDecay(2 * REG), 0.01,
                "adam global .l2(c).weightDecay(c) vs ours wd=2c");
        assertTrue(rel <= 1e-5, "max rel diff " + rel);

        MultiLayerConfiguration l2Only = new NeuralNetConfiguration.Builder()
                .seed(12345).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .updater(new Nesterovs(0.1, 0.9)).l2(REG)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(4).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        assertEquals(List.of(new L2Regularization(REG)),
                ((BaseLayer) l2Only.getConf(0).getLayer()).getRegularization());
        rel = fitVersusParameterUpdate(l2Only, OptimizerConfig.nesterov().withL2(REG), 0.1,
                "nesterov global .l2(c) vs ours l2=c");
        assertTrue(rel <= 1e-5, "max rel diff " + rel);
    }

    /** applySum(sum, B) is apply(sum / B). */
    @Test
    void applySumDividesOnceByBatchSize() {
        MultiLayerNetwork n = net(new Adam(0.01), REG, REG);
        ParamLayout layout = layoutOf(n);
        OptimizerConfig cfg = OptimizerConfig.adam().withL2(REG).withWeightDecay(REG);
        ParameterUpdate a = new ParameterUpdate(cfg, layout);
        ParameterUpdate b = new ParameterUpdate(cfg, layout);
        float[] pa = n.params().dup().toFloatVector();
        float[] pb = pa.clone();
        for (int step = 0; step < STEPS; step++) {
            n.setParams(Nd4j.createFromArray(pa.clone()).reshape(1, pa.length));
            float[] sum = gradientSum(n, batch(7 + step));
            float[] mean = new float[sum.length];
            for (int i = 0; i < sum.length; i++) {
                mean[i] = sum[i] / 7f; // pretend B = 7 (not a power of two)
            }
            a.apply(pa, mean, 0.01, step);
            b.applySum(pb, sum.clone(), 7, 0.01, step);
            assertArrayEquals(pa, pb);
        }
    }

    /**
     * The DL4J facts ParameterUpdate relies on: computeGradientAndScore() gives the gradient SUMMED
     * over the examples, WITHOUT L2 / weight decay (those are added by the updater); the score is the
     * mean loss PLUS the regularization penalty.
     */
    @Test
    void gradientIsSummedAndExcludesRegularization() {
        MultiLayerNetwork plain = net(new Sgd(0.1), 0, 0);
        MultiLayerNetwork withL2 = net(new Sgd(0.1), REG, 0);
        MultiLayerNetwork withWd = net(new Sgd(0.1), 0, REG);
        INDArray p = plain.params().dup();
        withL2.setParams(p.dup());
        withWd.setParams(p.dup());
        DataSet ds = batch(3);

        float[] g0 = gradientSum(plain, ds);
        double s0 = plain.score();
        float[] gL2 = gradientSum(withL2, ds);
        double sL2 = withL2.score();
        float[] gWd = gradientSum(withWd, ds);
        assertArrayEquals(g0, gL2, "L2 must not be in computeGradientAndScore's gradient");
        assertArrayEquals(g0, gWd, "weight decay must not be in computeGradientAndScore's gradient");
        // the score does include the L2 penalty: l2/2 * sum(W^2) over weights only
        ParamLayout layout = layoutOf(plain);
        boolean[] mask = layout.weightMask();
        float[] w = p.toFloatVector();
        double sq = 0;
        for (int i = 0; i < w.length; i++) {
            if (mask[i]) {
                sq += (double) w[i] * w[i];
            }
        }
        assertNotEquals(s0, sL2);
        assertEquals(s0 + 0.5 * REG * sq, sL2, 1e-5, "score = mean loss + l2/2 * ||W||^2");

        // summed, not averaged: equals the sum of the single-example gradients
        double[] perExampleSum = new double[g0.length];
        for (int e = 0; e < BATCH; e++) {
            DataSet one = new DataSet(ds.getFeatures().getRow(e, true), ds.getLabels().getRow(e, true));
            float[] ge = gradientSum(plain, one);
            for (int i = 0; i < ge.length; i++) {
                perExampleSum[i] += ge[i];
            }
        }
        for (int i = 0; i < g0.length; i++) {
            assertEquals(perExampleSum[i], g0[i], 1e-5 * (1 + Math.abs(g0[i])), "gradient element " + i);
        }
    }

    @Test
    void layoutMarksBiasesAndFollowsParamsOrder() {
        MultiLayerNetwork n = net(new Sgd(0.1), 0, 0);
        ParamLayout layout = layoutOf(n);
        assertEquals(List.of("W", "b", "W", "b"), layout.blocks().stream().map(ParamBlock::name).toList());
        assertEquals(5 * 4 + 4 + 4 * 3 + 3, layout.numParams());
        // paramTable() order is the flattened params() order
        float[] flat = n.params().toFloatVector();
        for (ParamBlock b : layout.blocks()) {
            float[] block = Nd4j.toFlattened('f', n.getParam(b.layer() + "_" + b.name())).toFloatVector();
            float[] slice = java.util.Arrays.copyOfRange(flat, b.offset(), b.end());
            assertArrayEquals(block, slice, "block " + b);
        }
    }
}
