package io.lockstep.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.ConfigException;
import io.lockstep.config.TrainConfig;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.schedule.LrScaling;
import io.lockstep.train.RunLength;
import org.junit.jupiter.api.Test;

/** lrScaling adascale's configuration: what it accepts, its run length in base iterations, its refusals. */
class AdaScaleConfigTest {
    private static TrainConfig.Builder base() {
        return TrainConfig.builder().globalBatch(256).referenceBatch(32).lrScaling(LrScaling.ADASCALE).lr(0.1)
                .optimizer(OptimizerConfig.nesterov()).epochs(2);
    }

    @Test
    void lengthIsCountedInBaseIterations() {
        TrainConfig c = base().build();
        assertEquals(0.1, c.peakLr(), 0.0, "the peak is the base rate; the gain multiplies it per step");
        assertEquals(2L * (1000 / 32), c.adaScaleLength(1000), "epochs at the reference batch");
        assertEquals(1000 / 32, c.scheduleStepsPerEpoch(1000));
        assertEquals(500, base().epochs(0).steps(500).build().adaScaleLength(1000), "--steps are base iterations");
        RunLength len = RunLength.of(c, c.batchPlan(1000), 1000);
        assertTrue(len.inTau());
        assertEquals(62, len.length());
        assertEquals(61, len.schedulePosition(3, 61.7));
        assertEquals(61, len.schedulePosition(3, 99.0), "the schedule is never read past its end");
        assertTrue(len.done(3, 62.0) && !len.done(100, 61.9));
    }

    @Test
    void refusals() {
        assertMessage(base().optimizer(OptimizerConfig.adam()), "defined for SGD with or without momentum");
        assertMessage(base().referenceBatch(512), "referenceBatch (512) at most globalBatch (256)");
        assertMessage(base().batchGrowthFactor(2), "cannot be combined with batchGrowthFactor");
    }

    private static void assertMessage(TrainConfig.Builder b, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, b::build);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith("lrScaling adascale"), e.getMessage());
    }
}
