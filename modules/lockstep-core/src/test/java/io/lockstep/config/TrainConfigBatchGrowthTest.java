package io.lockstep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.BatchPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The batch-growth fields of {@link TrainConfig}: validation, equality, string form and total steps. */
class TrainConfigBatchGrowthTest {
    private static TrainConfig.Builder base() {
        return TrainConfig.builder().globalBatch(10).epochs(6).lr(0.01).seed(3);
    }

    @ParameterizedTest(name = "factor={0}, every={1}")
    @CsvSource({"1, 1, batchGrowthFactor, 1", "-2, 1, batchGrowthFactor, -2", "2, 0, batchGrowthEvery, 0",
        "3, -1, batchGrowthEvery, -1"})
    void invalidValuesAreNamedWithTheirValue(int factor, int every, String field, String value) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> base().batchGrowthFactor(factor).batchGrowthEvery(every).build());
        assertTrue(e.getMessage().contains(field) && e.getMessage().contains("(got " + value + ")"), e.getMessage());
    }

    @Test
    void withoutGrowthTheStringIsUnchangedAndEqualityHolds() {
        TrainConfig off = base().build();
        assertFalse(off.toString().contains("batchGrowth"), off.toString());
        assertEquals(off, base().batchGrowthFactor(0).build());
        TrainConfig on = base().batchGrowthFactor(2).batchGrowthEvery(2).build();
        assertTrue(on.toString().contains("batchGrowthFactor=2, batchGrowthEvery=2"), on.toString());
        assertNotEquals(off, on);
        assertEquals(on, on.toBuilder().build());
        assertNotEquals(on, on.toBuilder().batchGrowthEvery(3).build());
    }

    @Test
    void totalStepsSumTheEpochsSteps() {
        TrainConfig on = base().batchGrowthFactor(2).batchGrowthEvery(2).build();
        BatchPlan plan = on.batchPlan(100);
        assertEquals(10 + 10 + 5 + 5 + 2 + 2, on.totalSteps(plan));
        TrainConfig off = base().build();
        assertEquals(off.totalSteps(100 / 10), off.totalSteps(off.batchPlan(100)));
        assertEquals(7, on.withSteps(7).totalSteps(plan), "--steps wins over epochs");
        assertEquals(on.peakLr(), off.peakLr(), 0.0, "the learning rate is that of the first batch");
    }
}
