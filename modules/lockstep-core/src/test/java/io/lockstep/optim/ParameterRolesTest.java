package io.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import io.lockstep.model.ParamRole;
import io.lockstep.train.GradientClipping;
import io.lockstep.train.UpdateRatios;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Only trainable blocks see the optimizer and regularization; a running statistic is subtracted as
 * given (DL4J's NoOp); a frozen block never changes; norms, clipping and update ratios skip both.
 */
class ParameterRolesTest {
    private static final ParamLayout LAYOUT = new ParamLayout(List.of(
            new ParamBlock("0", "W", 0, 3, ParamRole.WEIGHT),
            new ParamBlock("0", "b", 3, 1, ParamRole.BIAS),
            new ParamBlock("1", "mean", 4, 2, ParamRole.RUNNING_STAT),
            new ParamBlock("2", "W", 6, 2, ParamRole.FROZEN)));

    @ParameterizedTest
    @EnumSource(OptimizerType.class)
    void statisticsAreSubtractedAsGivenAndFrozenBlocksNeverChange(OptimizerType type) {
        OptimizerConfig config = OptimizerConfig.of(type).withL2(0.1).withWeightDecay(0.01);
        ParameterUpdate update = new ParameterUpdate(config, LAYOUT);
        float[] params = {1f, -2f, 0.5f, 0.3f, 4f, -1f, 7f, 8f};
        float[] grad = {0.2f, -0.1f, 0.3f, 0.05f, 0.25f, -0.5f, 9f, 9f};
        float[] before = params.clone();
        for (int step = 0; step < 3; step++) {
            float[] p = params.clone();
            update.apply(params, grad, 0.1, step);
            assertEquals(p[4] - grad[4], params[4], 0f, type + ": running mean is w - delta");
            assertEquals(p[5] - grad[5], params[5], 0f, type + ": running mean is w - delta");
        }
        assertArrayEquals(new float[] {before[6], before[7]}, new float[] {params[6], params[7]}, type + ": frozen");
        assertNotEquals(before[0], params[0], type + ": weights train");
    }

    @ParameterizedTest
    @EnumSource(OptimizerType.class)
    void statisticsAndFrozenSlotsDoNotChangeTheTrainableUpdate(OptimizerType type) {
        OptimizerConfig config = OptimizerConfig.of(type).withL2(0.1).withWeightDecay(0.01);
        ParamLayout plain = new ParamLayout(List.of(new ParamBlock("0", "W", 0, 3, ParamRole.WEIGHT),
                new ParamBlock("0", "b", 3, 1, ParamRole.BIAS)));
        ParameterUpdate withRoles = new ParameterUpdate(config, LAYOUT);
        ParameterUpdate alone = new ParameterUpdate(config, plain);
        float[] a = {1f, -2f, 0.5f, 0.3f, 4f, -1f, 7f, 8f};
        float[] b = {1f, -2f, 0.5f, 0.3f};
        for (int step = 0; step < 3; step++) {
            withRoles.apply(a, new float[] {0.2f, -0.1f, 0.3f, 0.05f, 50f, -50f, 90f, 90f}, 0.1, step);
            alone.apply(b, new float[] {0.2f, -0.1f, 0.3f, 0.05f}, 0.1, step);
        }
        assertArrayEquals(b, java.util.Arrays.copyOf(a, 4), type + ": trainable blocks as if the others did not exist");
    }

    @org.junit.jupiter.api.Test
    void normsClippingAndRatiosSkipNonTrainableBlocks() {
        float[] g = {3f, 0f, 0f, 4f, 100f, 100f, 100f, 100f};
        assertEquals(5.0, GradientClipping.norm(g, LAYOUT), 1e-12);
        GradientClipping.clip(g, LAYOUT, 5.0, 1.0);
        assertArrayEquals(new float[] {0.6f, 0f, 0f, 0.8f, 100f, 100f, 100f, 100f}, g, 1e-6f);
        assertEquals(List.of("0_W", "0_b"), List.copyOf(UpdateRatios.of(LAYOUT, g, g).keySet()));
    }
}
