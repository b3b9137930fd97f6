package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line errors: one line, exit code 2, before any data is loaded or file written. */
class BenchMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private String run(int expectedCode, String... args) {
        assertEquals(expectedCode, BenchMain.run(args));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badValuesExitWithTwoAndOneLine() throws Exception {
        Path missing = dir.resolve("no-data");
        String e = run(2, "--data-dir", missing.toString(), "--batches", "0");
        assertTrue(e.startsWith("lockstep bench: --batches: 0 is smaller than --workers"), e);
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(Files.notExists(missing), "no data was fetched");
    }

    @Test
    void unknownSideAndBadOutput() {
        assertTrue(run(2, "--sides", "lockstep,pa-f9").contains("unknown side 'pa-f9'"));
        assertTrue(run(2, "--out", dir.resolve("r.txt").toString()).contains("must end in .json or .csv"));
        assertTrue(run(2, "--steps", "x").contains("--steps"));
    }

    @Test
    void badPythonAndUsedRecordDirectoryExitWithTwoBeforeLoadingData() throws Exception {
        Path missing = dir.resolve("no-data");
        String e = run(2, "--data-dir", missing.toString(), "--python", " ");
        assertTrue(e.startsWith("lockstep bench: --python: give an interpreter command"), e);
        Path used = Files.createDirectories(dir.resolve("results/bench/old"));
        Files.writeString(used.resolve("console.txt"), "an earlier run");
        err.reset();
        e = run(2, "--data-dir", missing.toString(), "--record", used.toString());
        assertTrue(e.startsWith("lockstep bench: --record: ") && e.contains("not empty"), e);
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(Files.notExists(missing), "no data was fetched");
        assertEquals(List.of(used.resolve("console.txt")), Files.list(used).toList(), "nothing was added");
    }

    @Test
    void unknownStepTransportExitsWithTwoBeforeLoadingData() {
        Path missing = dir.resolve("no-data");
        String e = run(2, "--data-dir", missing.toString(), "--step-transport", "rdma");
        assertTrue(e.startsWith("lockstep bench: --step-transport: step transport must be job, channel or auto (got 'rdma')"), e);
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(Files.notExists(missing), "no data was fetched");
    }

    @Test
    void transformBadValuesExitWithTwoBeforeLoadingData() {
        Path missing = dir.resolve("no-data");
        String e = run(2, "transform", "--data-dir", missing.toString(), "--repeats", "1");
        assertTrue(e.startsWith("lockstep bench: --repeats must be at least 3 (got 1)"), e);
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(Files.notExists(missing), "no data was fetched");
    }

    @Test
    void jmhBadOptionExitsWithTwo() {
        assertTrue(run(2, "jmh", "-f", "notanumber").startsWith("lockstep bench jmh:"));
    }
}
