package io.lockstep.optim;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ParameterUpdate.snapshot()/restore(): rollback reproduces the following steps bit for bit. */
class ParameterUpdateSnapshotTest {
    private static final ParamLayout LAYOUT = new ParamLayout(List.of(
            new ParamBlock(0, "W", 0, 12, false), new ParamBlock(0, "b", 12, 4, true),
            new ParamBlock(1, "W", 16, 8, false), new ParamBlock(1, "b", 24, 2, true)));
    private static final int N = LAYOUT.numParams();
    /** The rate changes after the snapshot, so the previous lr matters for momentum correction. */
    private static final double[] LRS = {0.1, 0.1, 0.2, 0.05, 0.3};

    private static float[][] grads(long seed) {
        Random rnd = new Random(seed);
        float[][] g = new float[LRS.length][N];
        for (float[] gs : g) {
            for (int i = 0; i < N; i++) {
                gs[i] = (float) rnd.nextGaussian();
            }
        }
        return g;
    }

    private static float[] params() {
        Random rnd = new Random(77);
        float[] p = new float[N];
        for (int i = 0; i < N; i++) {
            p[i] = (float) rnd.nextGaussian();
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(OptimizerType.class)
    void rollbackIsBitIdentical(OptimizerType type) {
        OptimizerConfig cfg = OptimizerConfig.of(type).withL2(1e-3).withWeightDecay(1e-2);
        float[][] g = grads(9);
        ParameterUpdate pu = new ParameterUpdate(cfg, LAYOUT);
        float[] p = params();
        for (int t = 0; t < 3; t++) {
            pu.apply(p, g[t], LRS[t], t);
        }
        ParameterUpdate.Snapshot snap = pu.snapshot();
        float[] pSnap = p.clone();
        assertEquals(0.2, snap.previousLr());

        float[][] after = new float[2][];
        float[][] updates = new float[2][];
        for (int t = 3; t < 5; t++) {
            pu.apply(p, g[t], LRS[t], t);
            after[t - 3] = p.clone();
            updates[t - 3] = pu.lastUpdate().clone();
        }
        assertEquals(0.3, pu.previousLr());

        // the snapshot is immutable: tampering with what it hands out changes nothing
        float[][] leaked = snap.optimizerState();
        for (float[] a : leaked) {
            Arrays.fill(a, 42f);
        }

        ParameterUpdate fresh = new ParameterUpdate(cfg, LAYOUT);
        for (ParameterUpdate target : new ParameterUpdate[]{pu, fresh}) {
            target.restore(snap);
            assertEquals(0.2, target.previousLr());
            float[] q = pSnap.clone();
            for (int t = 3; t < 5; t++) {
                target.apply(q, g[t], LRS[t], t);
                assertArrayEquals(after[t - 3], q, type + " params after restore, step " + t);
                assertArrayEquals(updates[t - 3], target.lastUpdate(), type + " update after restore, step " + t);
            }
        }
        // restoring twice from the same snapshot works too
        pu.restore(snap);
        float[] q = pSnap.clone();
        pu.apply(q, g[3], LRS[3], 3);
        assertArrayEquals(after[0], q);
    }

    /** Without restoring the previous lr, Nesterov/LARS would rescale from the wrong rate. */
    @Test
    void previousLrIsPartOfTheSnapshot() {
        OptimizerConfig cfg = OptimizerConfig.nesterov();
        float[][] g = grads(10);
        ParameterUpdate pu = new ParameterUpdate(cfg, LAYOUT);
        assertTrue(Double.isNaN(pu.previousLr()));
        float[] p = params();
        for (int t = 0; t < 3; t++) {
            pu.apply(p, g[t], LRS[t], t);
        }
        ParameterUpdate.Snapshot snap = pu.snapshot();
        float[] pSnap = p.clone();
        float[] expected = p.clone();
        pu.apply(expected, g[3], LRS[3], 3);
        pu.apply(p.clone(), g[4], LRS[4], 4);

        float[] arraysOnly = pSnap.clone();
        pu.restoreState(snap.optimizerState()); // arrays only: previous lr stays 0.3
        pu.apply(arraysOnly, g[3], LRS[3], 3);
        assertFalse(Arrays.equals(expected, arraysOnly), "restoreState alone misses the previous lr");

        pu.restore(snap);
        float[] full = pSnap.clone();
        pu.apply(full, g[3], LRS[3], 3);
        assertArrayEquals(expected, full);
    }

    @Test
    void restoreRejectsForeignSnapshots() {
        ParameterUpdate lars = new ParameterUpdate(OptimizerConfig.lars(), LAYOUT);
        ParameterUpdate nesterov = new ParameterUpdate(OptimizerConfig.nesterov(), LAYOUT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lars.restore(nesterov.snapshot()));
        assertTrue(e.getMessage().contains("nesterov"), e.getMessage());
        ParameterUpdate small = new ParameterUpdate(OptimizerConfig.lars(),
                new ParamLayout(List.of(new ParamBlock(0, "W", 0, 3, false))));
        assertThrows(IllegalArgumentException.class, () -> lars.restore(small.snapshot()));
        assertThrows(NullPointerException.class, () -> lars.restore(null));
    }

    @Test
    void invalidStepDoesNotTouchState() {
        ParameterUpdate pu = new ParameterUpdate(OptimizerConfig.nesterov(), LAYOUT);
        float[] p = params();
        pu.apply(p, grads(1)[0], 0.1, 0);
        float[][] before = pu.state();
        assertThrows(IllegalArgumentException.class, () -> pu.apply(p, grads(1)[1], Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> pu.apply(p, grads(1)[1], 0.2, -1));
        assertArrayEquals(before[0], pu.state()[0]);
        assertEquals(0.1, pu.previousLr());
    }
}
