package io.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ‖Δw‖/‖w‖ per parameter block, hand-computed. */
class UpdateRatiosTest {
    private static final ParamLayout LAYOUT = new ParamLayout(List.of(
            new ParamBlock(0, "W", 0, 2, false),
            new ParamBlock(0, "b", 2, 1, true),
            new ParamBlock(1, "W", 3, 2, false),
            new ParamBlock(1, "b", 5, 2, true)));

    @Test
    void ratiosPerBlockInLayoutOrder() {
        float[] before = {3f, 4f, 0f, 6f, 8f, 2f, 0f};
        float[] update = {0.3f, 0.4f, 0.5f, 0f, 0f, 1f, 0f};
        Map<String, Double> r = UpdateRatios.of(LAYOUT, before, update);
        assertEquals(List.of("0_W", "0_b", "1_W", "1_b"), List.copyOf(r.keySet()));
        assertEquals(0.1, r.get("0_W"), 1e-7, "‖(0.3, 0.4)‖ / ‖(3, 4)‖ = 0.5 / 5");
        assertTrue(r.get("0_b").isNaN(), "all-zero weights: ratio undefined");
        assertEquals(0.0, r.get("1_W"), 0.0, "no update");
        assertEquals(0.5, r.get("1_b"), 0.0, "‖(1, 0)‖ / ‖(2, 0)‖");
    }

    @Test
    void ratioIsScaleInvariantAndUsesTheWeightsBeforeTheUpdate() {
        float[] before = {30f, 40f, 1f, 6f, 8f, 2f, 0f};
        float[] update = {3f, 4f, 1f, 0.6f, 0.8f, 0f, 2f};
        Map<String, Double> r = UpdateRatios.of(LAYOUT, before, update);
        assertEquals(0.1, r.get("0_W"), 1e-7);
        assertEquals(1.0, r.get("0_b"), 0.0);
        assertEquals(0.1, r.get("1_W"), 1e-7);
        assertEquals(1.0, r.get("1_b"), 0.0);
    }
}
