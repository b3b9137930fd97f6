package io.lockstep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.optim.OptimizerConfig;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation messages name the field and the value; {@code withX} returns validated, modified copies. */
class TrainConfigTest {

    private static TrainConfig.Builder valid() {
        return TrainConfig.builder().globalBatch(64).workers(4).epochs(2).lr(0.1).optimizer(OptimizerConfig.sgd())
                .seed(7);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("globalBatch 0", (UnaryOperator<TrainConfig.Builder>) b -> b.globalBatch(0),
                        new String[] {"globalBatch", "0"}),
                Arguments.of("globalBatch -5", (UnaryOperator<TrainConfig.Builder>) b -> b.globalBatch(-5),
                        new String[] {"globalBatch", "-5"}),
                Arguments.of("workers 0", (UnaryOperator<TrainConfig.Builder>) b -> b.workers(0),
                        new String[] {"workers", "0"}),
                Arguments.of("B < P", (UnaryOperator<TrainConfig.Builder>) b -> b.globalBatch(3).workers(8),
                        new String[] {"globalBatch", "3", "workers", "8"}),
                Arguments.of("lr 0", (UnaryOperator<TrainConfig.Builder>) b -> b.lr(0),
                        new String[] {"lr", "0.0"}),
                Arguments.of("lr negative", (UnaryOperator<TrainConfig.Builder>) b -> b.lr(-0.5),
                        new String[] {"lr", "-0.5"}),
                Arguments.of("lr NaN", (UnaryOperator<TrainConfig.Builder>) b -> b.lr(Double.NaN),
                        new String[] {"lr", "NaN"}),
                Arguments.of("lr infinite", (UnaryOperator<TrainConfig.Builder>) b -> b.lr(Double.POSITIVE_INFINITY),
                        new String[] {"lr", "Infinity"}),
                Arguments.of("epochs negative", (UnaryOperator<TrainConfig.Builder>) b -> b.epochs(-1),
                        new String[] {"epochs", "-1"}),
                Arguments.of("steps negative", (UnaryOperator<TrainConfig.Builder>) b -> b.epochs(0).steps(-10),
                        new String[] {"steps", "-10"}),
                Arguments.of("epochs and steps both set", (UnaryOperator<TrainConfig.Builder>) b -> b.epochs(3).steps(100),
                        new String[] {"epochs", "steps", "3", "100"}),
                Arguments.of("neither epochs nor steps", (UnaryOperator<TrainConfig.Builder>) b -> b.epochs(0).steps(0),
                        new String[] {"epochs", "steps", "0"}),
                Arguments.of("evalEvery negative", (UnaryOperator<TrainConfig.Builder>) b -> b.evalEvery(-5),
                        new String[] {"evalEvery", "-5"}),
                Arguments.of("targetAccuracy above 1", (UnaryOperator<TrainConfig.Builder>) b -> b.targetAccuracy(1.5),
                        new String[] {"targetAccuracy", "1.5"}),
                Arguments.of("targetAccuracy negative", (UnaryOperator<TrainConfig.Builder>) b -> b.targetAccuracy(-0.2),
                        new String[] {"targetAccuracy", "-0.2"}),
                Arguments.of("targetAccuracy NaN", (UnaryOperator<TrainConfig.Builder>) b -> b.targetAccuracy(Double.NaN),
                        new String[] {"targetAccuracy", "NaN"}),
                Arguments.of("ghostBatch negative", (UnaryOperator<TrainConfig.Builder>) b -> b.ghostBatch(-1),
                        new String[] {"ghostBatch", "-1"}),
                Arguments.of("ghostBatch above B", (UnaryOperator<TrainConfig.Builder>) b -> b.ghostBatch(65),
                        new String[] {"ghostBatch", "65", "globalBatch", "64"}),
                Arguments.of("microBatch above ghostBatch", (UnaryOperator<TrainConfig.Builder>) b -> b.ghostBatch(8).microBatch(16),
                        new String[] {"microBatch", "16", "ghostBatch", "8"}));
    }

    @Test
    void ghostBatchResolvesToTheSettingOr32ForBatchDependentModelsOrOnePassPerWorker() {
        TrainConfig c = valid().build(); // B = 64, P = 4
        assertEquals(32, c.resolveGhostBatch(64, true, io.lockstep.data.DataPlacement.REPLICATED));
        assertEquals(16, c.resolveGhostBatch(64, false, io.lockstep.data.DataPlacement.REPLICATED));
        assertEquals(64, c.resolveGhostBatch(64, false, io.lockstep.data.DataPlacement.SHARDED));
        assertEquals(20, c.resolveGhostBatch(20, true, io.lockstep.data.DataPlacement.SHARDED), "at most B");
        TrainConfig g = valid().ghostBatch(8).build();
        assertEquals(8, g.resolveGhostBatch(64, false, io.lockstep.data.DataPlacement.SHARDED));
        assertTrue(g.toString().contains("ghostBatch=8"));
        assertTrue(!c.toString().contains("ghostBatch"), "configs without a ghost batch print as before");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidFieldIsNamedWithItsValue(String name, UnaryOperator<TrainConfig.Builder> breakIt, String[] mentions) {
        ConfigException e = assertThrows(ConfigException.class, () -> breakIt.apply(valid()).build());
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), name + ": message should mention '" + m + "': " + e.getMessage());
        }
    }

    @Test
    void configExceptionIsAnIllegalArgumentException() {
        assertTrue(IllegalArgumentException.class.isAssignableFrom(ConfigException.class));
    }

    @Test
    void nullOptimizerIsRejected() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> valid().optimizer(null).build());
        assertTrue(e.getMessage().contains("optimizer"), e.getMessage());
    }

    @Test
    void batchEqualToWorkersIsAllowed() {
        TrainConfig c = valid().globalBatch(4).workers(4).build();
        assertEquals(4, c.globalBatch());
    }

    @Test
    void withMethodsReturnModifiedCopies() {
        TrainConfig base = valid().build();
        TrainConfig copy = base.withGlobalBatch(128);
        assertNotSame(base, copy);
        assertEquals(64, base.globalBatch(), "original unchanged");
        assertEquals(TrainConfig.builder().globalBatch(128).workers(4).epochs(2).lr(0.1).optimizer(OptimizerConfig.sgd()).seed(7).build(), copy);

        assertEquals(8, base.withWorkers(8).workers());
        assertEquals(0.5, base.withLr(0.5).lr());
        assertEquals(99, base.withSeed(99).seed());
        assertEquals(OptimizerConfig.adam(), base.withOptimizer(OptimizerConfig.adam()).optimizer());
        assertEquals(base, base.withLr(0.5).withLr(0.1), "only the named field changes");

        TrainConfig bySteps = base.withSteps(500);
        assertEquals(500, bySteps.steps());
        assertEquals(0, bySteps.epochs(), "withSteps switches from epochs to steps");
        TrainConfig byEpochs = bySteps.withEpochs(3);
        assertEquals(3, byEpochs.epochs());
        assertEquals(0, byEpochs.steps(), "withEpochs switches from steps to epochs");
    }

    @Test
    void withMethodsValidateToo() {
        TrainConfig base = valid().build();
        ConfigException e = assertThrows(ConfigException.class, () -> base.withWorkers(65));
        assertTrue(e.getMessage().contains("65") && e.getMessage().contains("64"), e.getMessage());
        assertThrows(ConfigException.class, () -> base.withLr(0));
        assertThrows(ConfigException.class, () -> base.withGlobalBatch(2));
        assertThrows(ConfigException.class, () -> base.withSteps(0));
        assertThrows(ConfigException.class, () -> base.withEpochs(0));
    }

    @Test
    void totalSteps() {
        assertEquals(2 * 117, valid().build().totalSteps(117));
        assertEquals(40, valid().epochs(0).steps(40).build().totalSteps(117));
    }

    @Test
    void evalEveryAndTargetAccuracyDefaultToOffAndSurviveCopies() {
        TrainConfig off = valid().build();
        assertEquals(0, off.evalEvery());
        assertEquals(0.0, off.targetAccuracy());
        TrainConfig on = valid().evalEvery(25).targetAccuracy(1.0).build();
        assertEquals(25, on.evalEvery());
        assertEquals(1.0, on.targetAccuracy(), "a target of exactly 1 is allowed");
        TrainConfig copy = on.withLr(0.2);
        assertEquals(25, copy.evalEvery());
        assertEquals(1.0, copy.targetAccuracy());
        assertTrue(!on.equals(off) && on.toString().contains("evalEvery=25"), on.toString());
    }

    @Test
    void builderDefaultsNeedOnlyALength() {
        TrainConfig c = TrainConfig.builder().steps(10).build();
        assertEquals(128, c.globalBatch());
        assertEquals(1, c.workers());
        assertEquals(42, c.seed());
    }
}
