package io.lockstep.optim;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * LARS and LAMB (through {@link ParameterUpdate}) against direct double-precision transcriptions of
 * the papers' formulas (You, Gitman, Ginsburg 2017, arXiv 1708.03888; You et al. 2019,
 * arXiv 1904.00962), per parameter block, over several steps.
 */
class LarsLambOptimizerTest {
    private static final int STEPS = 6;

    // Block indices of the test layout.
    private static final int W0 = 0;     // weights, layer 0
    private static final int B0 = 1;     // bias, layer 0
    private static final int W1 = 2;     // weights, layer 1
    private static final int ZW = 3;     // weights that start at exactly 0
    private static final int ZG = 4;     // weights whose gradient is always 0
    private static final int ZZ = 5;     // weights 0 and gradient 0 throughout

    private static ParamLayout layout() {
        int[] len = {6, 3, 4, 3, 4, 2};
        boolean[] bias = {false, true, false, false, false, false};
        String[] name = {"W", "b", "W", "W", "W", "W"};
        List<ParamBlock> blocks = new java.util.ArrayList<>();
        int off = 0;
        for (int i = 0; i < len.length; i++) {
            blocks.add(new ParamBlock(i == 0 || i == 1 ? 0 : i - 1, name[i], off, len[i], bias[i]));
            off += len[i];
        }
        return new ParamLayout(blocks);
    }

    private static float[] initialParams(ParamLayout layout, Random rnd) {
        float[] w = new float[layout.numParams()];
        for (ParamBlock b : layout.blocks()) {
            int idx = layout.blocks().indexOf(b);
            if (idx == ZW || idx == ZZ) {
                continue;
            }
            for (int i = b.offset(); i < b.end(); i++) {
                w[i] = (float) (rnd.nextGaussian() * (idx == W1 ? 2.0 : 0.5));
            }
        }
        return w;
    }

    private static float[][] gradients(ParamLayout layout, Random rnd) {
        float[][] g = new float[STEPS][layout.numParams()];
        for (float[] gs : g) {
            for (ParamBlock b : layout.blocks()) {
                int idx = layout.blocks().indexOf(b);
                if (idx == ZG || idx == ZZ) {
                    continue;
                }
                for (int i = b.offset(); i < b.end(); i++) {
                    gs[i] = (float) (rnd.nextGaussian() * (idx == B0 ? 0.05 : 1.0));
                }
            }
        }
        return g;
    }

    private static double norm(double[] x, ParamBlock b) {
        double s = 0;
        for (int i = b.offset(); i < b.end(); i++) {
            s += x[i] * x[i];
        }
        return Math.sqrt(s);
    }

    /** The reference rules: one step on double params, returns the update; trust ratios into {@code trust}. */
    private interface Reference {
        double[] step(double[] w, double[] g, double lr, int t, double[] trust);
    }

    /** LARS, Algorithm 1 of arXiv 1708.03888, with Goyal's correction when the rate changes. */
    private static Reference lars(OptimizerConfig c, ParamLayout layout) {
        double[] v = new double[layout.numParams()];
        double[] prevLr = {Double.NaN};
        return (w, g, lr, t, trust) -> {
            if (c.momentumCorrection() && prevLr[0] > 0 && lr > 0) {
                for (int i = 0; i < v.length; i++) {
                    v[i] *= lr / prevLr[0];
                }
            }
            if (lr > 0) {
                prevLr[0] = lr;
            }
            double[] update = new double[w.length];
            for (int l = 0; l < layout.blocks().size(); l++) {
                ParamBlock b = layout.blocks().get(l);
                boolean skip = c.excludeBiases() && b.bias();
                double beta = skip ? 0 : c.weightDecay();
                double wn = norm(w, b);
                double gn = norm(g, b);
                double lambda = (skip || wn == 0 || gn == 0) ? 1 : c.trustCoefficient() * wn / (gn + beta * wn);
                trust[l] = lambda;
                for (int i = b.offset(); i < b.end(); i++) {
                    v[i] = c.momentum() * v[i] + lr * lambda * (g[i] + beta * w[i]);
                    update[i] = v[i];
                }
            }
            return update;
        };
    }

    /** LAMB, Algorithm 2 of arXiv 1904.00962 (Adam moments, phi(x) = min(x, clamp)). */
    private static Reference lamb(OptimizerConfig c, ParamLayout layout) {
        double[] m = new double[layout.numParams()];
        double[] v = new double[layout.numParams()];
        return (w, g, lr, t, trust) -> {
            double[] update = new double[w.length];
            for (int l = 0; l < layout.blocks().size(); l++) {
                ParamBlock b = layout.blocks().get(l);
                boolean skip = c.excludeBiases() && b.bias();
                double lam = skip ? 0 : c.weightDecay();
                double[] u = new double[w.length];
                for (int i = b.offset(); i < b.end(); i++) {
                    m[i] = c.beta1() * m[i] + (1 - c.beta1()) * g[i];
                    v[i] = c.beta2() * v[i] + (1 - c.beta2()) * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.pow(c.beta1(), t));
                    double vHat = v[i] / (1 - Math.pow(c.beta2(), t));
                    u[i] = mHat / (Math.sqrt(vHat) + c.epsilon()) + lam * w[i];
                }
                double wn = norm(w, b);
                double un = norm(u, b);
                double ratio = (skip || wn == 0 || un == 0) ? 1 : Math.min(wn, c.lambMaxTrust()) / un;
                trust[l] = ratio;
                for (int i = b.offset(); i < b.end(); i++) {
                    update[i] = lr * ratio * u[i];
                }
            }
            return update;
        };
    }

    private static double[] lastTrust(Optimizer o) {
        if (o instanceof LarsOptimizer lars) {
            return lars.lastTrustRatios();
        }
        return ((LambOptimizer) o).lastTrustRatios();
    }

    /**
     * Runs ParameterUpdate and the reference side by side; checks every step's update per block
     * (relative to the block's largest update) and trust ratios. Returns the trust ratios per step.
     */
    private static double[][] compare(OptimizerConfig cfg, double[] lrs, long seed) {
        ParamLayout layout = layout();
        Random rnd = new Random(seed);
        float[] params = initialParams(layout, rnd);
        float[][] grads = gradients(layout, rnd);
        double[] ref = new double[params.length];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = params[i];
        }
        boolean[] weight = layout.weightMask();
        Reference r = cfg.type() == OptimizerType.LARS ? lars(cfg, layout) : lamb(cfg, layout);
        ParameterUpdate pu = new ParameterUpdate(cfg, layout);
        double[][] trusts = new double[lrs.length][layout.blocks().size()];
        for (int step = 0; step < lrs.length; step++) {
            float[] g = grads[step % STEPS];
            double[] gRef = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                gRef[i] = g[i] + (weight[i] ? cfg.l2() * ref[i] : 0); // L2 stays generic, weights only
            }
            double[] refUpdate = r.step(ref, gRef, lrs[step], step + 1, trusts[step]);
            pu.apply(params, g, lrs[step], step);
            float[] ours = pu.lastUpdate();
            double[] ourTrust = lastTrust(pu.optimizer());
            for (int l = 0; l < layout.blocks().size(); l++) {
                ParamBlock b = layout.blocks().get(l);
                double max = 0;
                for (int i = b.offset(); i < b.end(); i++) {
                    max = Math.max(max, Math.abs(refUpdate[i]));
                }
                for (int i = b.offset(); i < b.end(); i++) {
                    double diff = Math.abs(ours[i] - refUpdate[i]);
                    if (max == 0 ? ours[i] != 0f : diff > 2e-5 * max) {
                        fail(cfg.describe() + " step " + step + " block " + l + " elem " + i + ": ours "
                                + ours[i] + " vs paper " + refUpdate[i] + " (block max " + max + ")");
                    }
                }
                assertEquals(trusts[step][l], ourTrust[l], 1e-5 * Math.abs(trusts[step][l]),
                        cfg.describe() + " trust ratio step " + step + " block " + l);
            }
            for (int i = 0; i < ref.length; i++) {
                ref[i] -= refUpdate[i];
            }
        }
        double maxW = 0;
        for (int i = 0; i < ref.length; i++) {
            maxW = Math.max(maxW, Math.abs(ref[i]));
        }
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], params[i], 1e-6 * maxW, cfg.describe() + " final param " + i);
        }
        return trusts;
    }

    private static double[] constant(double lr) {
        double[] a = new double[STEPS];
        java.util.Arrays.fill(a, lr);
        return a;
    }

    @ParameterizedTest(name = "lars wd={0} excludeBiases={1} tau={2} l2={3}")
    @CsvSource({
            "0.0,  true,  0.001, 0.0",
            "0.0,  false, 0.001, 0.0",
            "0.01, true,  0.001, 0.0",
            "0.01, false, 0.02,  0.0",
            "0.05, true,  0.02,  0.01",
    })
    void larsMatchesPaper(double wd, boolean excludeBiases, double tau, double l2) {
        OptimizerConfig cfg = OptimizerConfig.lars().withWeightDecay(wd).withExcludeBiases(excludeBiases)
                .withTrustCoefficient(tau).withL2(l2);
        double[][] trust = compare(cfg, constant(2.0), 11);
        for (double[] t : trust) {
            if (l2 == 0) { // with L2 the "zero" block's gradient is l2 * w
                assertEquals(1.0, t[ZG], "zero gradient: lambda = 1");
            }
            assertEquals(1.0, t[ZZ], "zero weights and gradient: lambda = 1");
            if (excludeBiases) {
                assertEquals(1.0, t[B0], "excluded bias: lambda = 1");
            } else {
                assertNotEquals(1.0, t[B0]);
            }
            assertTrue(t[W0] < 0.1 && t[W1] < 0.1, "weights get the small local rate");
        }
        assertEquals(1.0, trust[0][ZW], "all-zero weights: lambda = 1");
        assertNotEquals(1.0, trust[1][ZW], "after one step the block has weights");
    }

    @Test
    void larsWithChangingLrMatchesPaperPlusGoyalCorrection() {
        double[] lrs = {1.0, 2.0, 2.0, 0.5, 0.0, 0.5, 3.0};
        compare(OptimizerConfig.lars().withWeightDecay(0.01), lrs, 5);
        compare(OptimizerConfig.lars().withWeightDecay(0.01).withMomentumCorrection(false), lrs, 5);
    }

    @ParameterizedTest(name = "lamb wd={0} excludeBiases={1} clamp={2} l2={3}")
    @CsvSource({
            "0.0,  true,  Infinity, 0.0",
            "0.0,  false, Infinity, 0.0",
            "0.01, true,  Infinity, 0.0",
            "0.01, false, Infinity, 0.0",
            "0.01, true,  0.5,      0.0",
            "0.1,  false, 0.5,      0.01",
    })
    void lambMatchesPaper(double wd, boolean excludeBiases, double clamp, double l2) {
        OptimizerConfig cfg = OptimizerConfig.lamb().withWeightDecay(wd).withExcludeBiases(excludeBiases)
                .withLambMaxTrust(clamp).withL2(l2);
        double[][] trust = compare(cfg, constant(0.01), 21);
        for (double[] t : trust) {
            assertEquals(1.0, t[ZZ], "zero weights and zero gradient: u = 0, ratio 1");
            if (wd == 0 && l2 == 0) {
                assertEquals(1.0, t[ZG], "zero gradient, no decay: u = 0, ratio 1");
            }
            if (excludeBiases) {
                assertEquals(1.0, t[B0], "excluded bias: ratio 1");
            }
        }
        assertEquals(1.0, trust[0][ZW], "all-zero weights: ratio 1");
    }

    /** The clamp phi(x) = min(x, c) is active: the ratio becomes c / ||u|| for blocks with ||w|| > c. */
    @Test
    void lambClampLimitsTheTrustRatio() {
        ParamLayout layout = layout();
        float[] params = initialParams(layout, new Random(3));
        float[] g = gradients(layout, new Random(4))[0];
        double[][] all = new double[2][];
        for (int k = 0; k < 2; k++) {
            OptimizerConfig cfg = OptimizerConfig.lamb().withLambMaxTrust(k == 0 ? Double.POSITIVE_INFINITY : 0.5);
            ParameterUpdate pu = new ParameterUpdate(cfg, layout);
            pu.apply(params.clone(), g, 0.01, 0);
            all[k] = ((LambOptimizer) pu.optimizer()).lastTrustRatios();
        }
        ParamBlock w1 = layout.blocks().get(W1);
        double wn = 0;
        for (int i = w1.offset(); i < w1.end(); i++) {
            wn += (double) params[i] * params[i];
        }
        wn = Math.sqrt(wn);
        assertTrue(wn > 0.5, "test needs ||w|| > clamp, got " + wn);
        // same u in both runs: ratio scales by 0.5 / ||w||
        assertEquals(all[0][W1] * 0.5 / wn, all[1][W1], 1e-12 * all[0][W1]);
    }

    @Test
    void weightDecayIsNotAppliedTwice() {
        // with wd > 0, LARS/LAMB through ParameterUpdate equal the bare optimizer (no post-updater decay)
        ParamLayout layout = layout();
        float[] p0 = initialParams(layout, new Random(8));
        float[] g = gradients(layout, new Random(9))[0];
        for (OptimizerConfig cfg : new OptimizerConfig[]{OptimizerConfig.lars().withWeightDecay(0.1),
                OptimizerConfig.lamb().withWeightDecay(0.1)}) {
            ParameterUpdate pu = new ParameterUpdate(cfg, layout);
            Optimizer bare = cfg.newOptimizer(layout);
            float[] u = new float[p0.length];
            bare.computeUpdate(p0, g, 0.5, 0, u);
            pu.apply(p0.clone(), g, 0.5, 0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(u, pu.lastUpdate(), cfg.describe());
        }
    }

    @Test
    void singleBlockNewOptimizerTreatsTheWholeVectorAsOneWeightBlock() {
        float[] w = {3f, 4f};
        float[] g = {0f, 10f};
        LarsOptimizer lars = (LarsOptimizer) OptimizerConfig.lars().newOptimizer(2);
        float[] u = new float[2];
        lars.computeUpdate(w, g, 1.0, 0, u);
        assertEquals(0.001 * 5 / 10, lars.lastTrustRatios()[0], 1e-15);
        assertEquals((float) (0.0005 * 10), u[1]);
        assertEquals(0f, u[0]);
    }
}
