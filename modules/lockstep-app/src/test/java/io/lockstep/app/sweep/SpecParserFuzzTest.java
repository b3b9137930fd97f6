package io.lockstep.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockstep.fuzz.FuzzContract;
import io.lockstep.fuzz.ScratchFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target of the sweep spec, as {@code lockstep sweep} reads it before anything runs: {@link SpecParser#read},
 * then {@link SweepPlanner#plan} and {@link SweepPlanner#parse} (every run's options through the train parser).
 * Any file ends in the planned runs or a one-line {@link SpecException} naming the file — never another exception
 * or a hang. Inputs: the file's bytes, see {@code SpecParserFuzzTestInputs/read/}; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/FUZZING.md).
 */
class SpecParserFuzzTest {
    private static final ScratchFiles FILES = new ScratchFiles("sweep-fuzz");

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void read(byte[] input) {
        Path file = FILES.write("sweep.yaml", input);
        List<PlannedRun> plan = FuzzContract.check(SpecException.class, List.of(file.toString()), () -> {
            SweepSpec spec = SpecParser.read(file);
            List<PlannedRun> runs = SweepPlanner.plan(spec);
            assertEquals(runs.size(), SweepPlanner.parse(spec, runs).size());
            return runs;
        });
        if (plan != null) {
            assertFalse(plan.isEmpty(), "a valid spec plans at least one run");
            assertTrue(plan.stream().map(PlannedRun::name).distinct().count() == plan.size(), "run names are unique");
        }
    }
}
