package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordTest {
    @TempDir
    Path dir;

    private static BenchReport report() throws Exception {
        BenchEnv env = new BenchEnv(2, "17", "3.5.6", "local[2]", 2, 2, "1", 1, 1, 0.1);
        BenchSettings s = new BenchSettings(List.of(256), EnumSet.of(Side.LOCKSTEP, Side.PYTORCH_DDP), 30, 5, 200, 3,
                1, 10, "local[2]", 2, 42, null);
        DdpResult ddp = DdpResult.parse(DdpBenchTest.line(256, 20, 12, 15));
        Map<Side, SideResult> sides = Map.of(Side.LOCKSTEP, Results.rate(256, 1000), Side.PYTORCH_DDP, ddp.sideResult());
        List<BenchRow> rows = List.of(BenchRow.of(256, 2, 2, sides, Results.breakdown(256, 9), ddp));
        return new BenchReport(env, s, new SparkFloor(3.5, 6.25, 7.5, 40), null, null, rows, Targets.evaluate(rows), 3,
                Map.of("lockstep-sharded", "not asked"));
    }

    @Test
    void writesConsoleReportEnvironmentAndTheScriptsLines() throws Exception {
        Path out = dir.resolve("results/bench/run-1");
        RunRecord rec = RunRecord.start(out, List.of("--batches", "256"));
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PrintStream tee = rec.tee(new PrintStream(screen, true, StandardCharsets.UTF_8));
        tee.println("Examples/s table");
        rec.note("torch", "1.13.1");
        rec.finish(report(), List.of("{\"global_batch\": 256}"));

        assertEquals("Examples/s table\n", screen.toString(StandardCharsets.UTF_8));
        assertEquals("Examples/s table\n", Files.readString(out.resolve("console.txt")));
        ObjectMapper json = new ObjectMapper();
        JsonNode bench = json.readTree(out.resolve("bench.json").toFile());
        assertEquals(8, bench.get("rows").get(0).get("ddp").get("overheadMs").asDouble());
        assertEquals("not asked", bench.get("skipped").get("lockstep-sharded").asText());
        List<String> csv = Files.readAllLines(out.resolve("bench.csv"));
        List<String> header = List.of(csv.get(0).split(",", -1));
        assertEquals("8", csv.get(1).split(",", -1)[header.indexOf("ddp_overhead_ms")]);
        JsonNode env = json.readTree(out.resolve("environment.json").toFile());
        assertEquals("bin/lockstep bench --batches 256", env.get("command").asText());
        assertEquals("1.13.1", env.get("torch").asText());
        for (String key : List.of("started_at", "finished_at", "uptime_start", "uptime_end", "loadavg_start",
                "loadavg_end", "cores", "java", "git_commit")) {
            assertTrue(env.has(key), key);
        }
        assertEquals(List.of("{\"global_batch\": 256}"), Files.readAllLines(out.resolve("ddp_bench.jsonl")));
    }

    @Test
    void aRecordedRunIsNeverOverwritten() throws Exception {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("console.txt"), "an earlier run");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunRecord.checkNew(used));
        assertTrue(e.getMessage().startsWith("--record: ") && e.getMessage().contains("not empty"), e.getMessage());
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunRecord.checkNew(file)).getMessage()
                .contains("is a file"));
        RunRecord.checkNew(Files.createDirectories(dir.resolve("empty"))); // an empty folder is fine
        RunRecord.checkNew(dir.resolve("new"));
        assertFalse(Files.exists(dir.resolve("new")), "checking creates nothing");
    }

    @Test
    void noDdpLinesNoDdpFile() throws Exception {
        Path out = dir.resolve("r");
        RunRecord rec = RunRecord.start(out, List.of());
        rec.finish(report(), List.of());
        assertFalse(Files.exists(out.resolve("ddp_bench.jsonl")));
        assertTrue(Files.exists(out.resolve("console.txt")));
    }
}
