package io.lockstep.optim;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Goyal et al. 2017 (arXiv 1706.02677, section 2.1) momentum correction inside ParameterUpdate. */
class MomentumCorrectionTest {
    private static final int N = 50;
    /** lr halves at step 3. */
    private static final double[] HALVING = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05};

    private static ParamLayout layout() {
        // all "bias" so that no regularization mask matters; Nesterov ignores the layout anyway
        return new ParamLayout(List.of(new ParamBlock(0, "W", 0, 30, false), new ParamBlock(0, "b", 30, 20, true)));
    }

    private static float[] params(long seed) {
        Random rnd = new Random(seed);
        float[] p = new float[N];
        for (int i = 0; i < N; i++) {
            p[i] = (float) rnd.nextGaussian();
        }
        return p;
    }

    private static float[][] grads(int steps, long seed) {
        Random rnd = new Random(seed);
        float[][] g = new float[steps][N];
        for (float[] gs : g) {
            for (int i = 0; i < N; i++) {
                gs[i] = (float) (rnd.nextGaussian() * (0.1 + i % 5));
            }
        }
        return g;
    }

    private static float[] run(OptimizerConfig cfg, double[] lrs, float[][] g) {
        float[] p = params(1);
        ParameterUpdate pu = new ParameterUpdate(cfg, layout());
        for (int t = 0; t < lrs.length; t++) {
            pu.apply(p, g[t], lrs[t], t);
        }
        return p;
    }

    @Test
    void nesterovHalvingLrEqualsManualFormulaWithVelocityScaledByHalf() {
        float[][] g = grads(HALVING.length, 2);
        float[] ours = run(OptimizerConfig.nesterov(), HALVING, g);

        // DL4J's Nesterov formula, float32, with v *= 0.5 before step 3
        float[] p = params(1);
        float[] v = new float[N];
        float mu = 0.9f;
        for (int t = 0; t < HALVING.length; t++) {
            float lr = (float) HALVING[t];
            for (int i = 0; i < N; i++) {
                if (t == 3) {
                    v[i] *= 0.5f;
                }
                float prev = mu * v[i];
                float vNew = prev - lr * g[t][i];
                v[i] = vNew;
                p[i] -= prev + (-mu - 1f) * vNew;
            }
        }
        assertArrayEquals(p, ours, "bit-identical to the manual corrected formula");

        // ... which is Goyal's lr-free form: vt = mu*vt + g, w -= lr_t * ((1+mu)*vt_new - mu*vt_prev)
        double[] w = new double[N];
        double[] vt = new double[N];
        float[] p0 = params(1);
        for (int i = 0; i < N; i++) {
            w[i] = p0[i];
        }
        for (int t = 0; t < HALVING.length; t++) {
            for (int i = 0; i < N; i++) {
                double prev = vt[i];
                vt[i] = 0.9 * vt[i] + g[t][i];
                w[i] -= HALVING[t] * ((1 + 0.9) * vt[i] - 0.9 * prev);
            }
        }
        for (int i = 0; i < N; i++) {
            assertEquals(w[i], ours[i], 1e-5 * (1 + Math.abs(w[i])), "lr-free form, elem " + i);
        }
    }

    @Test
    void withoutCorrectionNesterovIsDl4jsUncorrectedRule() {
        float[][] g = grads(HALVING.length, 3);
        float[] ours = run(OptimizerConfig.nesterov().withMomentumCorrection(false), HALVING, g);
        float[] corrected = run(OptimizerConfig.nesterov(), HALVING, g);

        Map<Integer, Double> m = new HashMap<>();
        for (int t = 0; t < HALVING.length; t++) {
            m.put(t, HALVING[t]);
        }
        Nesterovs cfg = new Nesterovs(new MapSchedule(ScheduleType.ITERATION, m), 0.9);
        GradientUpdater<?> upd = cfg.instantiate(Nd4j.create(DataType.FLOAT, 1, cfg.stateSize(N)), true);
        float[] theirs = params(1);
        for (int t = 0; t < HALVING.length; t++) {
            INDArray gArr = Nd4j.createFromArray(g[t].clone()).reshape(1, N);
            upd.applyUpdater(gArr, t, 0);
            float[] u = gArr.toFloatVector();
            for (int i = 0; i < N; i++) {
                theirs[i] -= u[i];
            }
        }
        double maxAbs = 0, maxDiff = 0, maxCorrDiff = 0;
        for (int i = 0; i < N; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(theirs[i]));
            maxDiff = Math.max(maxDiff, Math.abs(theirs[i] - ours[i]));
            maxCorrDiff = Math.max(maxCorrDiff, Math.abs(theirs[i] - corrected[i]));
        }
        assertTrue(maxDiff <= 1e-6 * maxAbs, "uncorrected vs DL4J: " + maxDiff);
        assertTrue(maxCorrDiff > 1e-3 * maxAbs, "the correction must change the result: " + maxCorrDiff);
    }

    @Test
    void constantLrIsBitIdenticalWithAndWithoutCorrection() {
        double[] lrs = {0.1, 0.1, 0.1, 0.1, 0.1};
        float[][] g = grads(lrs.length, 4);
        for (OptimizerConfig c : new OptimizerConfig[]{OptimizerConfig.nesterov(), OptimizerConfig.lars()}) {
            assertArrayEquals(run(c.withMomentumCorrection(false), lrs, g), run(c, lrs, g), c.describe());
        }
    }

    /** A step at lr = 0 is neither rescaled nor the reference: the velocity still carries the last positive rate. */
    @Test
    void zeroLrStepsAreSkipped() {
        double[] lrs = {0.1, 0.0, 0.1, 0.1};
        float[][] g = grads(lrs.length, 5);
        assertArrayEquals(run(OptimizerConfig.nesterov().withMomentumCorrection(false), lrs, g),
                run(OptimizerConfig.nesterov(), lrs, g));
        double[] warm = {0.0, 0.05, 0.1};
        float[][] g2 = grads(warm.length, 6);
        // 0 -> 0.05: no rescale (nothing to rescale from); 0.05 -> 0.1: velocity doubled
        float[] p = params(1);
        float[] v = new float[N];
        for (int t = 0; t < warm.length; t++) {
            float lr = (float) warm[t];
            for (int i = 0; i < N; i++) {
                if (t == 2) {
                    v[i] *= 2f;
                }
                float prev = 0.9f * v[i];
                float vNew = prev - lr * g2[t][i];
                v[i] = vNew;
                p[i] -= prev + (-0.9f - 1f) * vNew;
            }
        }
        assertArrayEquals(p, run(OptimizerConfig.nesterov(), warm, g2));
    }

    @ParameterizedTest
    @EnumSource(value = OptimizerType.class, names = {"SGD", "ADAM", "LAMB"})
    void rulesWithoutLrInTheirStateAreUnaffected(OptimizerType type) {
        double[] lrs = {0.1, 0.02, 0.3, 0.3, 0.05};
        float[][] g = grads(lrs.length, 7);
        OptimizerConfig c = OptimizerConfig.of(type);
        assertFalse(type.velocityCarriesLr());
        assertArrayEquals(run(c.withMomentumCorrection(false), lrs, g), run(c, lrs, g));
    }
}
