package io.lockstep.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockstep.config.ConfigException;
import io.lockstep.fuzz.FuzzContract;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target of {@link SpecJson#read} (the run spec stored in run.json, read back by {@code --resume}): any text
 * ends in a {@link RunSpec} or a one-line {@link ConfigException}; a spec that reads also survives a write/read round
 * trip unchanged (else a resume would compare against a different run). Inputs: UTF-8 text, see
 * {@code SpecJsonFuzzTestInputs/read/}; {@code JAZZER_FUZZ=1} fuzzes (docs/FUZZING.md).
 */
class SpecJsonFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void read(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        RunSpec spec = FuzzContract.check(ConfigException.class, () -> SpecJson.read(json));
        if (spec != null) {
            assertEquals(spec, SpecJson.read(SpecJson.write(spec)), "write/read round trip");
        }
    }
}
