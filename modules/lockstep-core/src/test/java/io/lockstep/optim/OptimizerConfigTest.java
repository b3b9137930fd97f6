package io.lockstep.optim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerConfigTest {

    private static void assertRejected(String field, String value, Supplier<OptimizerConfig> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().startsWith(field + " "), "message should name " + field + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("(got " + value + ")"), "message should show the value: " + e.getMessage());
    }

    @Test
    void defaultsAreDl4js() {
        OptimizerConfig a = OptimizerConfig.adam();
        assertEquals(OptimizerType.ADAM, a.type());
        assertEquals(0.9, a.beta1());
        assertEquals(0.999, a.beta2());
        assertEquals(1e-8, a.epsilon());
        assertEquals(0.0, a.l2());
        assertEquals(0.0, a.weightDecay());
        assertEquals(0.9, OptimizerConfig.nesterov().momentum());
        assertEquals(OptimizerType.SGD, OptimizerConfig.sgd().type());
        // sanity of DL4J's own defaults
        assertEquals(new org.nd4j.linalg.learning.config.Nesterovs().getMomentum(), OptimizerConfig.DEFAULT_MOMENTUM);
        org.nd4j.linalg.learning.config.Adam dl = new org.nd4j.linalg.learning.config.Adam();
        assertEquals(dl.getBeta1(), OptimizerConfig.DEFAULT_BETA1);
        assertEquals(dl.getBeta2(), OptimizerConfig.DEFAULT_BETA2);
        assertEquals(dl.getEpsilon(), OptimizerConfig.DEFAULT_EPSILON);
    }

    @Test
    void withersChangeOneFieldAndValidate() {
        OptimizerConfig c = OptimizerConfig.nesterov().withMomentum(0.5).withL2(1e-4).withWeightDecay(2e-4);
        assertEquals(0.5, c.momentum());
        assertEquals(1e-4, c.l2());
        assertEquals(2e-4, c.weightDecay());
        assertEquals(OptimizerType.NESTEROV, c.type());
        assertEquals(OptimizerType.ADAM, c.withType(OptimizerType.ADAM).type());
        assertEquals(0.5, c.withType(OptimizerType.ADAM).momentum());
        assertEquals("nesterov(momentum=0.5) l2=1.0E-4 weightDecay=2.0E-4", c.describe());
        assertRejected("momentum", "1.5", () -> c.withMomentum(1.5));
    }

    @Test
    void invalidFieldsAreNamedWithTheirValue() {
        assertRejected("momentum", "1.5", () -> OptimizerConfig.nesterov().withMomentum(1.5));
        assertRejected("momentum", "1.0", () -> OptimizerConfig.nesterov().withMomentum(1.0));
        assertRejected("momentum", "-0.1", () -> OptimizerConfig.nesterov().withMomentum(-0.1));
        assertRejected("momentum", "NaN", () -> OptimizerConfig.nesterov().withMomentum(Double.NaN));
        assertRejected("beta1", "1.0", () -> OptimizerConfig.adam().withBeta1(1.0));
        assertRejected("beta2", "-1.0", () -> OptimizerConfig.adam().withBeta2(-1.0));
        assertRejected("epsilon", "0.0", () -> OptimizerConfig.adam().withEpsilon(0.0));
        assertRejected("epsilon", "Infinity", () -> OptimizerConfig.adam().withEpsilon(Double.POSITIVE_INFINITY));
        assertRejected("l2", "-1.0E-4", () -> OptimizerConfig.sgd().withL2(-1e-4));
        assertRejected("l2", "Infinity", () -> OptimizerConfig.sgd().withL2(Double.POSITIVE_INFINITY));
        assertRejected("weightDecay", "-0.01", () -> OptimizerConfig.sgd().withWeightDecay(-0.01));
        assertRejected("weightDecay", "NaN", () -> OptimizerConfig.sgd().withWeightDecay(Double.NaN));
        assertThrows(NullPointerException.class, () -> OptimizerConfig.sgd().withType(null));
    }

    @Test
    void parseAcceptsCliNamesAndListsValidOnes() {
        assertEquals(OptimizerType.SGD, OptimizerType.parse("sgd"));
        assertEquals(OptimizerType.NESTEROV, OptimizerType.parse(" Nesterov "));
        assertEquals(OptimizerType.ADAM, OptimizerType.parse("ADAM"));
        assertEquals("adam", OptimizerType.ADAM.cliName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerType.parse("lion"));
        assertTrue(e.getMessage().contains("'lion'"), e.getMessage());
        assertTrue(e.getMessage().contains("sgd, nesterov, adam"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OptimizerType.parse(null));
    }

    @ParameterizedTest
    @EnumSource(OptimizerType.class)
    void stateRoundTripReproducesSubsequentUpdates(OptimizerType type) {
        int n = 257;
        Random rnd = new Random(99);
        float[][] grads = new float[8][n];
        for (float[] g : grads) {
            for (int i = 0; i < n; i++) {
                g[i] = (float) rnd.nextGaussian();
            }
        }
        float[] params = new float[n];
        Optimizer a = OptimizerConfig.of(type).newOptimizer(n);
        float[] u = new float[n];
        for (int it = 0; it < 4; it++) {
            a.computeUpdate(params, grads[it], 0.01, it, u);
        }
        float[][] saved = a.state();
        // continue a, record updates
        float[][] expected = new float[4][n];
        for (int it = 4; it < 8; it++) {
            a.computeUpdate(params, grads[it], 0.01, it, expected[it - 4]);
        }
        // the snapshot is a copy: continuing a did not change it (stateful types)
        if (saved.length > 0) {
            assertNotEquals(java.util.Arrays.toString(saved[0]), java.util.Arrays.toString(a.state()[0]));
        }
        // rollback a itself, and a fresh optimizer, to the snapshot
        Optimizer fresh = OptimizerConfig.of(type).newOptimizer(n);
        fresh.restoreState(saved);
        a.restoreState(saved);
        if (saved.length > 0) {
            java.util.Arrays.fill(saved[0], 123f); // restoreState copied: mutating ours must not matter
        }
        for (Optimizer o : new Optimizer[]{a, fresh}) {
            for (int it = 4; it < 8; it++) {
                o.computeUpdate(params, grads[it], 0.01, it, u);
                assertArrayEquals(expected[it - 4], u, "bit-identical after restore, step " + it);
            }
        }
    }

    @Test
    void restoreStateRejectsWrongShape() {
        Optimizer adam = OptimizerConfig.adam().newOptimizer(10);
        assertThrows(IllegalArgumentException.class, () -> adam.restoreState(new float[1][10]));
        assertThrows(IllegalArgumentException.class, () -> adam.restoreState(new float[][]{new float[10], new float[9]}));
        assertEquals(2, adam.state().length);
        assertEquals(1, OptimizerConfig.nesterov().newOptimizer(10).state().length);
        assertEquals(0, OptimizerConfig.sgd().newOptimizer(10).state().length);
    }
}
