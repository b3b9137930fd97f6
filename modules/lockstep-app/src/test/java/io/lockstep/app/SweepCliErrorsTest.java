package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An invalid sweep spec stops {@code lockstep sweep} before anything runs: exit code 2 and one line
 * naming the spec file, the key or run, and the problem; no run directory is written.
 */
class SweepCliErrorsTest {
    @TempDir
    Path tmp;

    static String data() {
        return "  train-images: " + TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz") + "\n"
                + "  train-labels: " + TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz") + "\n";
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                Arguments.of("unknown top-level key", "name: s\nbse: {lr: 0.1}\n", List.of("'bse'", "top-level")),
                Arguments.of("unknown train option", "name: s\nbase:\n  learning-rate: 0.1\n",
                        List.of("base.learning-rate", "unknown train option")),
                Arguments.of("unknown option in runs", "name: s\nruns:\n  - {optimiser: sgd}\n",
                        List.of("runs[1].optimiser", "unknown train option")),
                Arguments.of("option with dashes", "name: s\nbase:\n  --lr: 0.1\n", List.of("base.--lr", "dashes")),
                Arguments.of("option set by the sweep", "name: s\nbase:\n  out: /tmp/x\n", List.of("base.out", "sweep")),
                Arguments.of("bad value", "name: s\nbase:\n" + data() + "grid:\n  global-batch: [64, lots]\n",
                        List.of("global-batch-lots", "--global-batch", "lots")),
                Arguments.of("invalid value", "name: s\nbase:\n" + data() + "grid:\n  lr: [0.1, -1]\n",
                        List.of("lr--1", "--lr", "-1")),
                Arguments.of("empty grid list", "name: s\ngrid:\n  lr: []\n", List.of("grid.lr", "non-empty list")),
                Arguments.of("grid value not a list", "name: s\ngrid:\n  lr: 0.1\n", List.of("grid.lr", "list")),
                Arguments.of("list outside the grid", "name: s\nbase:\n  lr: [0.1, 0.2]\n", List.of("base.lr", "single value")),
                Arguments.of("bad name", "name: My_Sweep\n", List.of("My_Sweep", "a-z")),
                Arguments.of("missing name", "base: {lr: 0.1}\n", List.of("'name' is required")),
                Arguments.of("unknown stop key", "name: s\nstop:\n  max-time: 10\n", List.of("stop.max-time")),
                Arguments.of("not YAML", "name: [unclosed\n", List.of("not valid YAML")),
                Arguments.of("conflicting options", "name: s\nbase:\n" + data() + "  epochs: 1\n  steps: 10\n",
                        List.of("run 'run'", "--epochs or --steps")),
                Arguments.of("unknown step transport", "name: s\nbase:\n" + data() + "  step-transport: pigeon\n",
                        List.of("--step-transport", "must be job, channel or auto (got 'pigeon')")),
                Arguments.of("step timeout without the channel", "name: s\nbase:\n" + data()
                        + "  step-transport: job\n  step-timeout: 5\n",
                        List.of("--step-timeout 5", "--step-transport channel or auto only")),
                Arguments.of("target without validation", "name: s\nbase:\n" + data() + "stop:\n  target-accuracy: 0.9\n",
                        List.of("--target-accuracy", "--validation-fraction")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void invalidSpecExitsWithUsageErrorNamingFileAndKey(String what, String yaml, List<String> mentions)
            throws IOException {
        Path file = tmp.resolve("bad-spec.yaml");
        Files.writeString(file, yaml);
        Path out = tmp.resolve("sweep");
        CliRunner r = CliRunner.run("sweep", "--no-progress", "--out", out.toString(), file.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("lockstep: invalid sweep spec: " + file + ": "), lines.get(0));
        for (String m : mentions) {
            assertTrue(lines.get(0).contains(m), what + ": expected '" + m + "' in: " + lines.get(0));
        }
        assertFalse(Files.exists(out), "nothing may be written for an invalid spec");
    }

    @Test
    void aRunThatDoesNotFitTheDataStopsTheSweepBeforeAnyRunTrains() throws IOException {
        Path file = tmp.resolve("too-big.yaml");
        Files.writeString(file, "name: s\nbase:\n" + data() + "  workers: 2\n  steps: 2\n"
                + "grid:\n  global-batch: [64, 100000]\n");
        Path out = tmp.resolve("sweep");
        CliRunner r = CliRunner.run("sweep", "--no-progress", "--master", "local[2]", "--out", out.toString(),
                file.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        assertTrue(r.err().contains(file + ": run 'global-batch-100000': --global-batch 100000 is larger than the "
                + "training set"), r.err());
        try (Stream<Path> runs = Files.list(out.resolve("runs"))) {
            assertEquals(0, runs.count(), "no run may start before the whole plan is valid");
        }
    }
}
