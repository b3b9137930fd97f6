package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.run.RunSpec;
import io.lockstep.run.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sweep run's run.json holds that run's resolved {@link RunSpec} (its grid values, its directory, P). */
class SweepRunSpecCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void eachRunsRunJsonHoldsItsSpec() throws IOException {
        Path out = tmp.resolve("sweep");
        Path specFile = tmp.resolve("spec.yaml");
        Files.writeString(specFile, "name: specs\nbase:\n" + SweepCliErrorsTest.data()
                + "  workers: 2\n  global-batch: 64\n  eval-train: false\n  optimizer: sgd\n"
                + "grid:\n  lr: [0.01, 0.02]\nstop:\n  max-steps: 3\n");
        CliRunner r = CliRunner.run("sweep", "--no-progress", "--master", "local[2]", "--out", out.toString(),
                specFile.toString());
        assertEquals(0, r.exitCode(), r.err());
        for (String lr : new String[] {"0.01", "0.02"}) {
            Path runDir = out.resolve("runs/lr-" + lr);
            RunSpec spec = SpecJson.fromTree(JSON.readTree(runDir.resolve("run.json").toFile()).get("spec"));
            assertEquals(Double.parseDouble(lr), spec.train().lr());
            assertEquals(3, spec.train().steps());
            assertEquals(64, spec.train().globalBatch());
            assertEquals(2, spec.workers());
            assertEquals("sgd", spec.train().optimizer().type().cliName());
            assertEquals(runDir.toString(), spec.output().dir());
        }
    }
}
