package io.lockstep.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockstep.app.train.TrainRun;
import io.lockstep.fuzz.FuzzContract;
import io.lockstep.fuzz.ScratchFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target of the sweep spec, as {@code lockstep sweep} reads it before anything runs: {@link SpecParser#read}
 * and {@link SweepPlanner#plan}, then {@link SweepPlanner#parse} (every run's options through the train parser).
 * Any file ends in the planned runs or a one-line {@link SpecException} naming the file — never another exception
 * or a hang. Reading and planning must stay within {@link FuzzContract#MAX_ALLOCATION}; parsing the runs may
 * allocate {@link #PER_RUN} more per run (a fresh train option parser per run, at most
 * {@link SpecParser#MAX_RUNS} runs). Inputs: the file's bytes, see {@code SpecParserFuzzTestInputs/read/};
 * {@code JAZZER_FUZZ=1} fuzzes (docs/FUZZING.md).
 */
class SpecParserFuzzTest {
    /** Short-lived garbage of parsing one run's options (about 3 MiB measured). */
    static final long PER_RUN = 16L << 20;
    private static final ScratchFiles FILES = new ScratchFiles("sweep-fuzz");

    private record Planned(SweepSpec spec, List<PlannedRun> runs) {}

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void read(byte[] input) {
        Path file = FILES.write("sweep.yaml", input);
        List<String> names = List.of(file.toString());
        Planned planned = FuzzContract.check(SpecException.class, names, () -> {
            SweepSpec spec = SpecParser.read(file);
            return new Planned(spec, SweepPlanner.plan(spec));
        });
        if (planned == null) {
            return;
        }
        List<PlannedRun> plan = planned.runs();
        assertFalse(plan.isEmpty(), "a valid spec plans at least one run");
        assertEquals(plan.size(), plan.stream().map(PlannedRun::name).distinct().count(), "run names are unique");
        List<TrainRun> runs = FuzzContract.check(SpecException.class, names,
                FuzzContract.MAX_ALLOCATION + plan.size() * PER_RUN, () -> SweepPlanner.parse(planned.spec(), plan));
        if (runs != null) {
            assertEquals(plan.size(), runs.size());
        }
    }
}
