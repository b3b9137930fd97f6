package io.lockstep.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.ConfigException;
import io.lockstep.config.TrainConfig;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.schedule.LrScaling;
import org.junit.jupiter.api.Test;

/** {@code globalBatch adaptive}: what the configuration refuses, naming the field and the value. */
class AdaptiveBatchConfigTest {
    private static TrainConfig.Builder valid() {
        return TrainConfig.builder().globalBatch(64).adaptiveBatch(new AdaptiveBatchConfig(64, 1024, 10)).workers(2)
                .epochs(1).lr(0.01).lrScaling(LrScaling.ADASCALE).referenceBatch(64)
                .optimizer(OptimizerConfig.nesterov());
    }

    private static String refused(TrainConfig.Builder b) {
        return assertThrows(ConfigException.class, b::build).getMessage();
    }

    @Test
    void aValidConfigPlansAdaptively() {
        TrainConfig c = valid().build();
        assertInstanceOf(AdaptiveBatchPlan.class, c.stepBatches(5000));
        assertTrue(c.toString().contains("adaptiveBatch=AdaptiveBatchConfig[minBatch=64, maxBatch=1024, every=10]"),
                c.toString());
        assertEquals(c, c.toBuilder().build());
        assertTrue(valid().adaptiveBatch(null).build().stepBatches(5000) instanceof io.lockstep.data.BatchPlan);
        assertEquals("adaptive 64..1024, re-chosen every 10 steps", c.adaptiveBatch().describe());
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertTrue(refused(valid().lrScaling(LrScaling.LINEAR)).contains("globalBatch adaptive needs lrScaling adascale"));
        assertTrue(refused(valid().globalBatch(2048)).contains("globalBatch (2048) must be in adaptiveBatch's range"));
        assertTrue(refused(valid().referenceBatch(128).globalBatch(128))
                .contains("adaptiveBatch.minBatch (64) must be at least referenceBatch (128)"));
        assertTrue(refused(valid().workers(128)).contains("must be at least workers"));
        assertEquals("adaptiveBatch.maxBatch (32) must be at least minBatch (64)",
                assertThrows(ConfigException.class, () -> new AdaptiveBatchConfig(64, 32, 1)).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> new AdaptiveBatchConfig(64, 128, 0)).getMessage()
                .contains("adaptiveBatch.every must be at least 1"));
        ConfigException big = assertThrows(ConfigException.class, () -> valid().build().stepBatches(500));
        assertEquals("adaptiveBatch.maxBatch (1024) is larger than the training set (500 examples)", big.getMessage());
    }
}
