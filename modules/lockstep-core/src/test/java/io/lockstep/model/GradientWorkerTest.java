package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.grad.EvalSum;
import io.lockstep.grad.GradientSum;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link GradientWorker} on a tiny network (Dense 4→3 tanh, Output 3→2 softmax + MCXENT, 23 parameters).
 *
 * <p>How the gradient is checked: {@link ModelAdapter#of} forces float32, and central finite differences
 * of a float32 loss are dominated by rounding (≈1e-7·|L|/ε), which would need loose tolerances that
 * could hide a factor-of-n error only barely. Instead the <i>function</i> is evaluated in double
 * precision: a second, plain DL4J network with the same configuration but {@code DataType.DOUBLE},
 * holding the very same parameter values, gives the total loss L(θ) = n × score over the rows, and
 * central differences with ε = 1e-6 approximate ∂L/∂θ to ~1e-9. The worker's float32 analytic
 * gradient must agree to 1e-4 absolute + 1e-3 relative, far tighter than the factor n = 5 that would
 * separate a sum from a mean. The reference is independent of the worker's code path (its own network,
 * own input arrays, only the loss value is used) and checks every parameter.
 */
class GradientWorkerTest {
    private static final int FEATURES = 4;
    private static final int CLASSES = 2;
    private static final int ROWS = 9;

    private static ModelAdapter model;
    private static float[] params;
    private static float[] features;
    private static int[] labels;

    @BeforeAll
    static void setUp() {
        model = ModelAdapter.of("tiny", tiny(DataType.FLOAT), FEATURES, CLASSES);
        assertEquals(4 * 3 + 3 + 3 * 2 + 2, model.numParams());
        Random rng = new Random(17);
        // Move away from the initialization so that nothing coincides with the seeded defaults.
        params = model.initialParams();
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) (0.3 * rng.nextGaussian());
        }
        features = new float[ROWS * FEATURES];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) rng.nextGaussian();
        }
        labels = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = rng.nextInt(CLASSES);
        }
    }

    private static MultiLayerConfiguration tiny(DataType type) {
        return new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(type)
                .weightInit(WeightInit.XAVIER)
                .updater(new NoOp())
                .list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(3).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(3).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /** Rows as a DL4J DataSet of the given type, built independently of GradientWorker's own gathering. */
    private static DataSet rowsAsDataSet(int[] rows, DataType type) {
        double[][] x = new double[rows.length][FEATURES];
        double[][] y = new double[rows.length][CLASSES];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = features[rows[i] * FEATURES + j];
            }
            y[i][labels[rows[i]]] = 1.0;
        }
        return new DataSet(Nd4j.createFromArray(x).castTo(type), Nd4j.createFromArray(y).castTo(type));
    }

    @Test
    void gradientSumMatchesFiniteDifferencesOfTheTotalLoss() {
        int[] rows = {7, 0, 3, 5, 2};
        GradientSum sum = model.newWorker().gradientSum(params, features, labels, rows);
        assertEquals(rows.length, sum.count());

        MultiLayerNetwork ref = new MultiLayerNetwork(tiny(DataType.DOUBLE));
        ref.init();
        assertEquals(model.numParams(), ref.numParams(), "same layout in double precision");
        DataSet ds = rowsAsDataSet(rows, DataType.DOUBLE);
        double[] theta = new double[params.length];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = params[i];
        }

        double totalLoss = totalLoss(ref, theta, ds);
        assertEquals(totalLoss, sum.lossSum(), 1e-5 * Math.abs(totalLoss), "loss sum = n × mean loss");

        double eps = 1e-6;
        float[] g = sum.gradientSum();
        double maxErr = 0;
        double maxAbs = 0;
        for (int i = 0; i < theta.length; i++) {
            double saved = theta[i];
            theta[i] = saved + eps;
            double plus = totalLoss(ref, theta, ds);
            theta[i] = saved - eps;
            double minus = totalLoss(ref, theta, ds);
            theta[i] = saved;
            double fd = (plus - minus) / (2 * eps);
            double err = Math.abs(g[i] - fd);
            assertTrue(err <= 1e-4 + 1e-3 * Math.abs(fd),
                    "parameter " + i + ": analytic " + g[i] + " vs finite difference " + fd);
            maxErr = Math.max(maxErr, err);
            maxAbs = Math.max(maxAbs, Math.abs(fd));
        }
        // Non-vacuous: the gradient is sizeable, so a mean (÷5) would have failed by far more than the tolerance.
        assertTrue(maxAbs > 0.1, "gradient too small to discriminate sum from mean: " + maxAbs);
        System.out.printf("GradientWorker vs double finite differences: max abs error %.3g (max |g| %.3g)%n",
                maxErr, maxAbs);

        double sq = 0;
        for (float v : g) {
            sq += ((double) v / rows.length) * ((double) v / rows.length);
        }
        assertEquals(sq, sum.meanGradientSqNorm(), 1e-9 * sq, "squared norm of the mean gradient");
    }

    private static double totalLoss(MultiLayerNetwork net, double[] theta, DataSet ds) {
        net.setParams(Nd4j.createFromArray(theta).reshape(1, theta.length));
        return net.score(ds, false) * ds.numExamples();
    }

    @Test
    void emptyRowsGiveTheEmptyPartial() {
        assertSame(GradientSum.empty(), model.newWorker().gradientSum(params, features, labels, new int[0]));
    }

    @Test
    void wrongParameterLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.newWorker().gradientSum(new float[5], features, labels, new int[] {0}));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains(String.valueOf(model.numParams())),
                e.getMessage());
    }

    @Test
    void gradientSumIsAdditiveOverDisjointRows() {
        GradientWorker worker = model.newWorker();
        int[] a = {1, 4, 8};
        int[] b = {0, 2, 6, 3};
        int[] ab = {1, 4, 8, 0, 2, 6, 3};
        GradientSum sa = worker.gradientSum(params, features, labels, a);
        GradientSum sb = worker.gradientSum(params, features, labels, b);
        GradientSum sab = worker.gradientSum(params, features, labels, ab);
        assertEquals(7, sab.count());
        assertEquals(sa.lossSum() + sb.lossSum(), sab.lossSum(), 1e-5 * Math.abs(sab.lossSum()));
        for (int i = 0; i < params.length; i++) {
            float expected = sa.gradientSum()[i] + sb.gradientSum()[i];
            assertEquals(expected, sab.gradientSum()[i], 1e-5f + 1e-5f * Math.abs(expected), "element " + i);
        }
        // The same worker (reused network) gives the same answer again: no state leaks between calls.
        GradientSum again = worker.gradientSum(params, features, labels, a);
        assertArrayEquals(sa.gradientSum(), again.gradientSum());
    }

    @Test
    void lossSumIsRowsTimesDl4jMeanScore() {
        int[] rows = {8, 6, 4, 2, 0, 1};
        GradientSum sum = model.newWorker().gradientSum(params, features, labels, rows);
        double mean = model.toNetwork(params).score(rowsAsDataSet(rows, DataType.FLOAT), false);
        assertEquals(rows.length * mean, sum.lossSum(), 1e-6 * Math.abs(sum.lossSum()));
    }

    @Test
    void evaluateAgreesWithPlainDl4j() {
        int[] all = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            all[i] = i;
        }
        // chunk 4 over 9 rows: chunks of 4, 4, 1 — the loss sums must combine to the whole-set mean.
        EvalSum eval = model.newWorker().evaluate(params, features, labels, 4);
        assertEquals(ROWS, eval.count());

        MultiLayerNetwork net = model.toNetwork(params);
        DataSet ds = rowsAsDataSet(all, DataType.FLOAT);
        INDArray predicted = net.output(ds.getFeatures(), false).argMax(1);
        long correct = 0;
        for (int i = 0; i < ROWS; i++) {
            if (predicted.getInt(i) == labels[i]) {
                correct++;
            }
        }
        double score = net.score(ds, false);
        assertEquals(correct, eval.correct());
        assertEquals((double) correct / ROWS, eval.accuracy());
        assertEquals(score, eval.meanLoss(), 1e-6 * score);
    }
}
