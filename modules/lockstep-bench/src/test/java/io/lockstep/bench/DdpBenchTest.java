package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch DDP side's wiring: parsing the script's JSON, the skip path and the subprocess call with fake
 * interpreters (shell scripts), and one real run of the script for 2 steps when torch is installed.
 */
class DdpBenchTest {
    @TempDir
    Path dir;

    private static Map<String, Object> stats(double median, int iterations, int processes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_ms", median);
        m.put("min_ms", median - 1);
        m.put("max_ms", median + 2);
        m.put("iterations", iterations);
        m.put("cpu_per_wall", 1.5);
        m.put("processes", processes);
        m.put("final_loss", 0.25);
        return m;
    }

    /** A line shaped like the script's, for batch {@code b}. */
    static String line(int b, double ddpMs, double singleMs, double pairMs) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("global_batch", b);
        m.put("world_size", 2);
        m.put("torch", "1.13.1");
        m.put("optimizer", "adam");
        m.put("half_batch", (b + 1) / 2);
        m.put("ddp", stats(ddpMs, 30, 2));
        m.put("pair", stats(pairMs, 30, 2));
        m.put("single_half", stats(singleMs, 30, 1));
        m.put("overhead_ms", ddpMs - singleMs);
        m.put("overhead_vs_pair_ms", ddpMs - pairMs);
        m.put("a_field_added_later", "ignored");
        return new ObjectMapper().writeValueAsString(m);
    }

    @Test
    void parsesTheScriptsLineIntoASide() throws Exception {
        DdpResult r = DdpResult.parse(line(1024, 20, 12, 15));
        assertEquals(1024, r.globalBatch());
        assertEquals(512, r.halfBatch());
        assertEquals(12, r.singleHalf().medianMs());
        assertEquals(15, r.pair().medianMs());
        assertEquals(8, r.overheadMs());
        assertEquals(5, r.overheadVsPairMs());
        SideResult s = r.sideResult();
        assertEquals(20, s.medianMs());
        assertEquals(1024 / 0.020, s.examplesPerSec(), 1e-6);
        assertEquals(1024, s.examplesPerIteration());
        assertEquals(30, s.iterations());
        assertEquals(-1, s.busyThreads());
    }

    @Test
    void aMissingFieldIsNamed() throws Exception {
        String broken = line(256, 20, 12, 15).replace("\"single_half\"", "\"single\"");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DdpResult.parse(broken));
        assertTrue(e.getMessage().startsWith("ddp_bench.py output: "), e.getMessage());
        assertTrue(e.getMessage().contains("single_half"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> DdpResult.parse("{\"global_batch\": 256"));
    }

    @Test
    void tablePutsDdpOverheadNextToLockstepsByBatch() throws Exception {
        String t = DdpResult.format(List.of(DdpResult.parse(line(256, 20, 12, 15)), DdpResult.parse(line(1024, 40, 30, 33))),
                List.of(Results.breakdown(256, 9.5)));
        List<String> lines = t.lines().toList();
        String b256 = lines.stream().filter(l -> l.strip().startsWith("256 ")).findFirst().orElseThrow();
        String b1024 = lines.stream().filter(l -> l.strip().startsWith("1024 ")).findFirst().orElseThrow();
        assertEquals(List.of("256", "20.00", "12.00", "15.00", "8.00", "5.00", "9.50"), List.of(b256.strip().split("\\s+")));
        assertEquals(List.of("1024", "40.00", "30.00", "33.00", "10.00", "7.00", "-"), List.of(b1024.strip().split("\\s+")));
        assertTrue(t.startsWith("PyTorch 1.13.1 DDP (2 processes x 1 thread, Gloo on 127.0.0.1, adam)"), t);
    }

    @Test
    void onlyJsonLinesAreResults() throws Exception {
        String out = "some warning\n" + line(8, 3, 2, 2.5) + "\n\n";
        assertEquals(List.of(line(8, 3, 2, 2.5)), DdpBench.jsonLines(out));
    }

    private Path fakePython(String name, String body) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        return f;
    }

    @Test
    void withoutTorchTheSideIsSkippedWithTheInstallHint() throws Exception {
        Path noTorch = fakePython("py-no-torch", "echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit 1");
        DdpBench.Probe p = DdpBench.probe(List.of(dir.resolve("missing-python").toString(), noTorch.toString()));
        assertFalse(p.available());
        assertTrue(p.skipReason().startsWith("python3-torch is not installed: apt-get install python3-torch (tried "),
                p.skipReason());
        assertTrue(p.skipReason().contains("missing-python") && p.skipReason().contains("py-no-torch"), p.skipReason());
        assertEquals(1, p.skipReason().lines().count());
    }

    @Test
    void aBrokenTorchIsReportedAsItIs() throws Exception {
        Path noGloo = fakePython("py-no-gloo", "echo 'AssertionError: torch without the Gloo backend' >&2; exit 1");
        DdpBench.Probe p = DdpBench.probe(List.of(noGloo.toString()));
        assertFalse(p.available());
        assertTrue(p.skipReason().startsWith("no usable PyTorch with Gloo ("), p.skipReason());
        assertTrue(p.skipReason().contains("exit code 1: AssertionError: torch without the Gloo backend"), p.skipReason());
    }

    @Test
    void theFirstPythonThatImportsTorchIsUsed() throws Exception {
        Path bad = fakePython("py-bad", "exit 1");
        Path good = fakePython("py-good", "echo 9.9.9");
        DdpBench.Probe p = DdpBench.probe(List.of(bad.toString(), good.toString()));
        assertEquals(good.toString(), p.python());
        assertEquals("9.9.9", p.torchVersion());
    }

    @Test
    void runPassesTheBatchAndOneThreadAndParsesTheLine() throws Exception {
        // $1 is the script, then --batches B ...; the fake fails unless one BLAS thread is asked for (MKL_NUM_THREADS:
        // surefire already sets OMP_NUM_THREADS) and prints B's line
        String json = line(64, 3, 2, 2.5).replace("\"global_batch\":64", "\"global_batch\":'\"$3\"'");
        Path fake = fakePython("py-fake", "[ \"$OMP_NUM_THREADS$MKL_NUM_THREADS\" = 11 ] || { echo \"threads not 1\" >&2; exit 7; }\n"
                + "[ \"$2\" = --batches ] || exit 8\necho 'progress line'\necho '" + json + "'");
        DdpBench bench = new DdpBench(fake.toString(), dir.resolve("script.py"), List.of("--seed", "1"));
        DdpResult r = bench.run(48, 1, 2);
        assertEquals(48, r.globalBatch());
        assertEquals(1, bench.rawLines().size());
        assertTrue(bench.rawLines().get(0).contains("\"global_batch\":48"));
    }

    @Test
    void aFailingScriptFailsTheRunInOneLine() throws Exception {
        Path fake = fakePython("py-fail", "echo 'Traceback (most recent call last):' >&2; echo 'RuntimeError: boom' >&2; exit 3");
        DdpBench bench = new DdpBench(fake.toString(), dir.resolve("script.py"), List.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bench.run(8, 0, 1));
        assertEquals("pytorch-ddp: ddp_bench.py failed at B=8 (exit code 3: RuntimeError: boom)", e.getMessage());
    }

    @Test
    void aLineForAnotherBatchIsRefused() throws Exception {
        Path fake = fakePython("py-other", "echo '" + line(16, 3, 2, 2.5) + "'");
        DdpBench bench = new DdpBench(fake.toString(), dir.resolve("script.py"), List.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bench.run(8, 0, 1));
        assertTrue(e.getMessage().contains("expected one for that batch"), e.getMessage());
    }

    /** The real script, 2 measured steps at B = 8 on random data; skipped when no Python here imports torch. */
    @Test
    void realScriptRunsTwoStepsWhenTorchIsInstalled() throws Exception {
        DdpBench.Probe p = DdpBench.probe(DdpBench.DEFAULT_PYTHONS);
        assumeTrue(p.available(), () -> "pytorch-ddp: " + p.skipReason());
        DdpBench bench = new DdpBench(p.python(), DdpBench.extractScript(),
                List.of("--optimizer", "nesterov", "--lr", "0.01", "--seed", "3"));
        DdpResult r = bench.run(8, 1, 2);
        assertEquals(8, r.globalBatch());
        assertEquals(2, r.worldSize());
        assertEquals(4, r.halfBatch());
        assertEquals(p.torchVersion(), r.torch());
        assertEquals("nesterov", r.optimizer());
        for (DdpResult.Stats s : List.of(r.ddp(), r.pair(), r.singleHalf())) {
            assertEquals(2, s.iterations());
            assertTrue(s.minMs() > 0 && s.minMs() <= s.medianMs() && s.medianMs() <= s.maxMs(), s.toString());
            assertTrue(Double.isFinite(s.finalLoss()) && s.finalLoss() > 0, s.toString());
        }
        assertEquals(2, r.ddp().processes());
        assertEquals(1, r.singleHalf().processes());
        assertEquals(r.ddp().medianMs() - r.singleHalf().medianMs(), r.overheadMs(), 1e-9);
    }
}
