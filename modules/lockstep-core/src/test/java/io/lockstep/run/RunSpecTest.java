package io.lockstep.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.ConfigException;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.schedule.ScheduleConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Validation of the spec records: each error names the field and the value. */
class RunSpecTest {

    private static void assertNames(Executable build, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, build);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void dataErrorsNameTheField() {
        assertNames(() -> DataSpec.mnist().withValidationFraction(1.0), "validationFraction", "1.0");
        assertNames(() -> DataSpec.idx("a", "b", 1), "classes", "1");
        assertNames(() -> DataSpec.Source.idx("images.gz", null), "idx labels", "null");
        assertNames(() -> DataSpec.Source.parquet(" "), "parquet path");
        assertNames(() -> new DataSpec(DataSpec.Source.csv("t.csv"), null, "label", "f", null, 10, 0,
                DataPlacement.REPLICATED), "featuresCol", "f", "parquet");
        assertNames(() -> new DataSpec(DataSpec.Source.parquet("t"), null, "label", "f", List.of("a"), 10, 0,
                DataPlacement.REPLICATED), "featuresCol", "featureCols");
        assertNames(() -> DataSpec.mnist().withTest(DataSpec.Source.csv("t.csv")), "test", "csv", "mnist");
    }

    @Test
    void runErrorsNameTheField() {
        assertNames(() -> RunSpec.builder().workers(-1).build(), "workers", "-1");
        assertNames(() -> RunSpec.builder().model(" ").build(), "model");
        assertNames(() -> RunSpec.builder().train(TrainConfig.builder().epochs(1).targetAccuracy(0.9).build()).build(),
                "targetAccuracy", "validationFraction");
        assertNames(() -> new OutputSpec("d", -5, null, true), "checkpointEvery", "-5");
        assertNames(() -> new EpochWarmup(ScheduleConfig.Warmup.GRADUAL, 0), "warmupEpochs", "0.0");
    }

    @Test
    void epochWarmupBecomesStepsOnTheData() {
        RunSpec spec = RunSpec.builder().warmupEpochs(new EpochWarmup(ScheduleConfig.Warmup.GRADUAL, 1.5)).build();
        ScheduleConfig s = spec.trainConfig(40).scheduleConfig();
        assertEquals(ScheduleConfig.Warmup.GRADUAL, s.warmup());
        assertEquals(60, s.warmupSteps());
        assertEquals(ScheduleConfig.Warmup.NONE, spec.trainConfig(0).scheduleConfig().warmup());
    }

    @Test
    void workersResolveIntoTheTrainConfig() {
        RunSpec spec = RunSpec.builder().build().withWorkers(4);
        assertEquals(4, spec.workers());
        assertEquals(4, spec.train().workers());
    }
}
