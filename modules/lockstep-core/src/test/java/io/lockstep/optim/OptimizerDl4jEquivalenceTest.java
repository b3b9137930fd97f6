package io.lockstep.optim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our optimizers against DL4J 1.0.0-M2.1's own GradientUpdaters, step by step, on a random vector.
 */
class OptimizerDl4jEquivalenceTest {
    private static final int N = 1000;
    private static final int STEPS = 10;

    /** Learning rate per iteration: constant, or a schedule that changes every step. */
    private static double lrAt(double base, boolean scheduled, int it) {
        return scheduled ? base * (0.5 + 0.15 * it) : base;
    }

    private static IUpdater dl4j(String type, double base, boolean scheduled) {
        if (scheduled) {
            Map<Integer, Double> m = new HashMap<>();
            for (int it = 0; it < STEPS; it++) {
                m.put(it, lrAt(base, true, it));
            }
            MapSchedule s = new MapSchedule(ScheduleType.ITERATION, m);
            return switch (type) {
                case "sgd" -> new Sgd(s);
                case "nesterov" -> new Nesterovs(s, OptimizerConfig.DEFAULT_MOMENTUM);
                case "adam" -> new Adam(s);
                default -> throw new IllegalArgumentException(type);
            };
        }
        return switch (type) {
            case "sgd" -> new Sgd(base);
            case "nesterov" -> new Nesterovs(base, OptimizerConfig.DEFAULT_MOMENTUM); // Nesterovs(double) is the momentum!
            case "adam" -> new Adam(base);
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static double baseLr(String type) {
        return type.equals("adam") ? 1e-2 : 0.1;
    }

    private static void compare(String type, boolean scheduled) {
        double base = baseLr(type);
        Random rnd = new Random(1234);
        float[] ours = new float[N];
        for (int i = 0; i < N; i++) {
            ours[i] = (float) rnd.nextGaussian();
        }
        float[] theirs = ours.clone();

        Optimizer opt = OptimizerConfig.of(OptimizerType.parse(type)).newOptimizer(N);
        IUpdater cfg = dl4j(type, base, scheduled);
        long stateSize = cfg.stateSize(N);
        INDArray stateView = stateSize > 0 ? Nd4j.create(DataType.FLOAT, 1, stateSize) : null;
        GradientUpdater<?> upd = cfg.instantiate(stateView, true);

        float[] update = new float[N];
        double maxAbsParam = 0;
        double maxDiff = 0;
        int bitDifferent = 0;
        for (int it = 0; it < STEPS; it++) {
            float[] g = new float[N];
            for (int i = 0; i < N; i++) {
                g[i] = (float) (rnd.nextGaussian() * (0.1 + i % 7));
            }
            opt.computeUpdate(ours, g, lrAt(base, scheduled, it), it, update);
            for (int i = 0; i < N; i++) {
                ours[i] -= update[i];
            }

            INDArray gArr = Nd4j.createFromArray(g.clone()).reshape(1, N);
            upd.applyUpdater(gArr, it, 0); // replaces gArr by the update, in place
            float[] u = gArr.toFloatVector();
            for (int i = 0; i < N; i++) {
                theirs[i] -= u[i];
                if (Float.floatToIntBits(u[i]) != Float.floatToIntBits(update[i])) {
                    bitDifferent++;
                }
            }
        }
        for (int i = 0; i < N; i++) {
            maxAbsParam = Math.max(maxAbsParam, Math.abs(theirs[i]));
            maxDiff = Math.max(maxDiff, Math.abs(theirs[i] - ours[i]));
        }
        System.out.printf("[optim] %s scheduled=%s: max |param diff| = %.3e (max |param| %.3f), "
                + "update elements not bit-identical: %d of %d%n", type, scheduled, maxDiff, maxAbsParam,
                bitDifferent, N * STEPS);
        assertTrue(maxDiff <= 1e-6 * maxAbsParam,
                type + ": max diff " + maxDiff + " > 1e-6 * " + maxAbsParam);
        // same state size as DL4J's state view
        assertEquals(stateSize, (long) opt.state().length * N);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "nesterov", "adam"})
    void matchesDl4jUpdaterConstantLr(String type) {
        compare(type, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "nesterov", "adam"})
    void matchesDl4jUpdaterWithChangingLr(String type) {
        compare(type, true);
    }

    @Test
    void nonDefaultHyperParametersMatchDl4j() {
        double lr = 3e-3;
        Random rnd = new Random(7);
        Optimizer ours = OptimizerConfig.adam().withBeta1(0.8).withBeta2(0.99).withEpsilon(1e-6).newOptimizer(N);
        Optimizer ourNest = OptimizerConfig.nesterov().withMomentum(0.5).newOptimizer(N);
        Adam aCfg = new Adam(lr, 0.8, 0.99, 1e-6);
        Nesterovs nCfg = new Nesterovs(lr, 0.5);
        GradientUpdater<?> a = aCfg.instantiate(Nd4j.create(DataType.FLOAT, 1, aCfg.stateSize(N)), true);
        GradientUpdater<?> nu = nCfg.instantiate(Nd4j.create(DataType.FLOAT, 1, nCfg.stateSize(N)), true);
        float[] p = new float[N];
        float[] u = new float[N];
        for (int it = 0; it < STEPS; it++) {
            float[] g = new float[N];
            for (int i = 0; i < N; i++) {
                g[i] = (float) rnd.nextGaussian();
            }
            for (Object[] pair : new Object[][]{{ours, a}, {ourNest, nu}}) {
                ((Optimizer) pair[0]).computeUpdate(p, g, lr, it, u);
                INDArray gArr = Nd4j.createFromArray(g.clone()).reshape(1, N);
                ((GradientUpdater<?>) pair[1]).applyUpdater(gArr, it, 0);
                float[] ref = gArr.toFloatVector();
                for (int i = 0; i < N; i++) {
                    assertEquals(ref[i], u[i], 1e-6 * Math.abs(ref[i]) + 1e-12, "step " + it + " elem " + i);
                }
            }
        }
    }

    /** Documents the libnd4j quirk our AdamOptimizer deliberately does not copy (see its Javadoc). */
    @Test
    void dl4jAdamMovesAtZeroLearningRateButOursDoesNot() {
        int n = 16;
        Adam cfg = new Adam(0.0);
        GradientUpdater<?> a = cfg.instantiate(Nd4j.create(DataType.FLOAT, 1, cfg.stateSize(n)), true);
        float[] g = new float[n];
        java.util.Arrays.fill(g, 0.5f);
        INDArray gArr = Nd4j.createFromArray(g.clone()).reshape(1, n);
        a.applyUpdater(gArr, 0, 0);
        double dl4jMax = gArr.amaxNumber().doubleValue();
        System.out.println("[optim] DL4J Adam update at lr=0: max |update| = " + dl4jMax);

        Optimizer ours = OptimizerConfig.adam().newOptimizer(n);
        float[] u = new float[n];
        ours.computeUpdate(new float[n], g, 0.0, 0, u);
        for (float x : u) {
            assertEquals(0f, x);
        }
        assertTrue(dl4jMax > 0, "DL4J Adam at lr=0 no longer moves: update AdamOptimizer Javadoc");
    }
}
