package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private CliRunner sweep(Path out, String optimizer) throws IOException {
        return sweep(out, "  optimizer: " + optimizer + "\n", "[0.01, 0.02]");
    }

    private CliRunner sweep(Path out, String options, String lrs) throws IOException {
        Path specFile = tmp.resolve("spec.yaml");
        Files.writeString(specFile, "name: specs\nbase:\n" + SweepCliErrorsTest.data()
                + "  workers: 2\n  global-batch: 64\n  eval-train: false\n" + options
                + "grid:\n  lr: " + lrs + "\nstop:\n  max-steps: 3\n");
        return CliRunner.run("sweep", "--no-progress", "--master", "local[2]", "--out", out.toString(),
                specFile.toString());
    }

    @Test
    void eachRunsRunJsonHoldsItsSpecAndARerunComparesSpecs() throws IOException {
        Path out = tmp.resolve("sweep");
        CliRunner r = sweep(out, "sgd");
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
        long modified = Files.getLastModifiedTime(out.resolve("runs/lr-0.01/run.json")).toMillis();
        assertEquals(0, sweep(out, "sgd").exitCode(), "the same spec again: both runs are reused");
        assertEquals(modified, Files.getLastModifiedTime(out.resolve("runs/lr-0.01/run.json")).toMillis(), "not rerun");

        CliRunner changed = sweep(out, "nesterov");
        assertEquals(Main.EXIT_USAGE, changed.exitCode(), changed.err());
        assertTrue(changed.err().contains("train.optimizer.type: then SGD, now NESTEROV"), changed.err());
        assertEquals(1, changed.err().strip().lines().count(), changed.err());
    }

    @Test
    void aSweepRunsOverTheStepTransportItsSpecGives() throws IOException {
        Path out = tmp.resolve("channel");
        CliRunner r = sweep(out, "  step-transport: channel\n  step-timeout: 120\n", "[0.01]");
        assertEquals(0, r.exitCode(), r.err());
        java.util.List<Path> runs;
        try (var dirs = Files.list(out.resolve("runs"))) {
            runs = dirs.toList();
        }
        assertEquals(1, runs.size(), runs.toString());
        com.fasterxml.jackson.databind.JsonNode run = JSON.readTree(runs.get(0).resolve("run.json").toFile());
        assertEquals("channel", run.path("step_transport").asText());
        assertEquals(120, run.path("step_timeout_s").asLong());
        RunSpec spec = SpecJson.fromTree(run.get("spec"));
        assertEquals(io.lockstep.config.StepTransportConfig.channel(java.time.Duration.ofSeconds(120)), spec.transport());
    }
}
