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
    void largeBatchDefaults() {
        OptimizerConfig lars = OptimizerConfig.lars();
        assertEquals(OptimizerType.LARS, lars.type());
        assertEquals(0.9, lars.momentum());
        assertEquals(0.001, lars.trustCoefficient());
        assertTrue(lars.excludeBiases());
        assertTrue(lars.momentumCorrection());
        assertEquals(1e-8, lars.epsilon());
        OptimizerConfig lamb = OptimizerConfig.lamb();
        assertEquals(OptimizerType.LAMB, lamb.type());
        assertEquals(0.9, lamb.beta1());
        assertEquals(0.999, lamb.beta2());
        assertEquals(1e-6, lamb.epsilon());
        assertEquals(Double.POSITIVE_INFINITY, lamb.lambMaxTrust());
        assertTrue(lamb.excludeBiases());
        for (OptimizerType t : OptimizerType.values()) {
            assertTrue(OptimizerConfig.of(t).momentumCorrection());
            assertEquals(OptimizerConfig.of(t).trustCoefficient(), 0.001);
        }
        assertTrue(OptimizerType.LARS.layerwise() && OptimizerType.LAMB.layerwise());
        assertTrue(OptimizerType.NESTEROV.velocityCarriesLr() && OptimizerType.LARS.velocityCarriesLr());
        assertTrue(!OptimizerType.ADAM.layerwise() && !OptimizerType.ADAM.velocityCarriesLr());
    }

    @Test
    void epsilonDefaultFollowsTheTypeUnlessSetExplicitly() {
        assertEquals(1e-6, OptimizerConfig.adam().withType(OptimizerType.LAMB).epsilon());
        assertEquals(1e-8, OptimizerConfig.lamb().withType(OptimizerType.ADAM).epsilon());
        assertEquals(1e-7, OptimizerConfig.adam().withEpsilon(1e-7).withType(OptimizerType.LAMB).epsilon());
        assertEquals(1e-7, OptimizerConfig.lamb().withEpsilon(1e-7).withType(OptimizerType.ADAM).epsilon());
        assertEquals(OptimizerConfig.lamb(), OptimizerConfig.sgd().withType(OptimizerType.LAMB));
        assertEquals(OptimizerConfig.sgd(), OptimizerConfig.lamb().withType(OptimizerType.SGD));
    }

    @Test
    void newFieldsWithersAndDescribe() {
        OptimizerConfig c = OptimizerConfig.lars().withTrustCoefficient(0.02).withExcludeBiases(false)
                .withMomentumCorrection(false).withWeightDecay(5e-4);
        assertEquals(0.02, c.trustCoefficient());
        assertEquals(false, c.excludeBiases());
        assertEquals(false, c.momentumCorrection());
        assertEquals("lars(momentum=0.9, trustCoefficient=0.02, excludeBiases=false) momentumCorrection=false"
                + " weightDecay=5.0E-4", c.describe());
        OptimizerConfig l = OptimizerConfig.lamb().withLambMaxTrust(10).withWeightDecay(0.01);
        assertEquals(10.0, l.lambMaxTrust());
        assertEquals("lamb(beta1=0.9, beta2=0.999, epsilon=1.0E-6, lambMaxTrust=10.0, excludeBiases=true)"
                + " weightDecay=0.01", l.describe());
        assertEquals("lamb(beta1=0.9, beta2=0.999, epsilon=1.0E-6, excludeBiases=true)",
                OptimizerConfig.lamb().withMomentumCorrection(false).describe());
        assertEquals("nesterov(momentum=0.9) momentumCorrection=false",
                OptimizerConfig.nesterov().withMomentumCorrection(false).describe());
        assertEquals("adam(beta1=0.9, beta2=0.999, epsilon=1.0E-8)",
                OptimizerConfig.adam().withMomentumCorrection(false).describe());
        // other fields are kept by every wither
        assertEquals(0.02, c.withMomentum(0.5).withL2(1e-4).withType(OptimizerType.LAMB).trustCoefficient());
        assertEquals(10.0, l.withType(OptimizerType.LARS).withBeta1(0.5).lambMaxTrust());
    }

    @Test
    void newFieldsAreValidated() {
        assertRejected("trustCoefficient", "0.0", () -> OptimizerConfig.lars().withTrustCoefficient(0));
        assertRejected("trustCoefficient", "-0.001", () -> OptimizerConfig.lars().withTrustCoefficient(-0.001));
        assertRejected("trustCoefficient", "NaN", () -> OptimizerConfig.lars().withTrustCoefficient(Double.NaN));
        assertRejected("trustCoefficient", "Infinity",
                () -> OptimizerConfig.lars().withTrustCoefficient(Double.POSITIVE_INFINITY));
        assertRejected("lambMaxTrust", "0.0", () -> OptimizerConfig.lamb().withLambMaxTrust(0));
        assertRejected("lambMaxTrust", "-1.0", () -> OptimizerConfig.lamb().withLambMaxTrust(-1));
        assertRejected("lambMaxTrust", "NaN", () -> OptimizerConfig.lamb().withLambMaxTrust(Double.NaN));
        assertRejected("lambMaxTrust", "-Infinity",
                () -> OptimizerConfig.lamb().withLambMaxTrust(Double.NEGATIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY,
                OptimizerConfig.lamb().withLambMaxTrust(5).withLambMaxTrust(Double.POSITIVE_INFINITY).lambMaxTrust());
        assertRejected("epsilon", "0.0", () -> OptimizerConfig.lamb().withEpsilon(0));
        assertRejected("momentum", "1.0", () -> OptimizerConfig.lars().withMomentum(1.0));
        assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.lars().newOptimizer(-1));
        assertThrows(NullPointerException.class, () -> OptimizerConfig.lars().newOptimizer(null));
    }

    @Test
    void newOptimizerPicksTheRule() {
        io.lockstep.model.ParamLayout layout = new io.lockstep.model.ParamLayout(java.util.List.of(
                new io.lockstep.model.ParamBlock(0, "W", 0, 6, false),
                new io.lockstep.model.ParamBlock(0, "b", 6, 2, true)));
        assertTrue(OptimizerConfig.lars().newOptimizer(layout) instanceof LarsOptimizer);
        assertTrue(OptimizerConfig.lamb().newOptimizer(layout) instanceof LambOptimizer);
        assertTrue(OptimizerConfig.adam().newOptimizer(layout) instanceof AdamOptimizer);
        assertEquals(8, OptimizerConfig.lamb().newOptimizer(layout).numParams());
        assertEquals(1, OptimizerConfig.lars().newOptimizer(layout).state().length);
        assertEquals(2, OptimizerConfig.lamb().newOptimizer(layout).state().length);
        LambOptimizer lamb = (LambOptimizer) OptimizerConfig.lamb().withEpsilon(1e-5).withWeightDecay(0.1)
                .withLambMaxTrust(3).withExcludeBiases(false).newOptimizer(layout);
        assertEquals(1e-5, lamb.epsilon());
        assertEquals(0.1, lamb.weightDecay());
        assertEquals(3.0, lamb.maxTrust());
        assertEquals(false, lamb.excludeBiases());
        LarsOptimizer lars = (LarsOptimizer) OptimizerConfig.lars().withMomentum(0.8).withTrustCoefficient(0.01)
                .withWeightDecay(0.2).newOptimizer(layout);
        assertEquals(0.8, lars.momentum());
        assertEquals(0.01, lars.trustCoefficient());
        assertEquals(0.2, lars.weightDecay());
        assertTrue(lars.excludeBiases());
    }

    @Test
    void parseAcceptsCliNamesAndListsValidOnes() {
        assertEquals(OptimizerType.LARS, OptimizerType.parse("lars"));
        assertEquals(OptimizerType.LAMB, OptimizerType.parse(" LAMB"));
        assertEquals("lamb", OptimizerType.LAMB.cliName());
        assertEquals("sgd, nesterov, adam, lars, lamb", OptimizerType.validNames());
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
