package io.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link OptimizerType#stateArrays()} is what each optimizer really keeps. */
class OptimizerStateArraysTest {
    private static final ParamLayout LAYOUT = new ParamLayout(List.of(
            new ParamBlock(0, "W", 0, 6, false), new ParamBlock(0, "b", 6, 2, true)));

    @ParameterizedTest
    @EnumSource(OptimizerType.class)
    void matchesTheOptimizersState(OptimizerType type) {
        float[][] state = OptimizerConfig.of(type).newOptimizer(LAYOUT).state();
        assertEquals(state.length, type.stateArrays(), type.toString());
        for (float[] a : state) {
            assertEquals(LAYOUT.numParams(), a.length);
        }
    }
}
