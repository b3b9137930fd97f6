package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {
    @TempDir
    Path dir;

    private static List<BenchRow> rows() {
        return List.of(
                BenchRow.of(256, 2, 2, Results.sides(256, 1000, 2000, 2500, 100, 400), Results.breakdown(256, 6.5)),
                BenchRow.of(1024, 2, 2, Map.of(Side.LOCKSTEP, Results.rate(1024, 3000)), null));
    }

    private static BenchReport report(Path out) {
        BenchEnv env = new BenchEnv(2, "17", "3.5.6", "local[2]", 2, 2, "1", 1, 1, 0.1);
        BenchSettings s = new BenchSettings(List.of(256, 1024), EnumSet.allOf(Side.class), 30, 5, 200, 3, 1, 10,
                "local[2]", 2, 42, out);
        List<BenchRow> rows = rows();
        return new BenchReport(env, s, new SparkFloor(3.5, 6.25, 7.5, 40),
                new ChannelFloorMedians("network", 0.25, 2.5, 0.125, 2.75, 40), new BarrierRound(0.5, 10), rows,
                Targets.evaluate(rows), 12.5);
    }

    @Test
    void csvHasOneRowPerBatchAndAColumnForEveryCell() throws Exception {
        Path f = dir.resolve("bench.csv");
        ResultFiles.write(report(f), f);
        List<String> lines = Files.readAllLines(f);
        assertEquals(3, lines.size());
        String[] header = lines.get(0).split(",", -1);
        for (String line : lines) {
            assertEquals(header.length, line.split(",", -1).length, line);
        }
        List<String> h = List.of(header);
        String[] first = lines.get(1).split(",", -1);
        assertEquals("256", first[h.indexOf("global_batch")]);
        assertEquals("1000", first[h.indexOf("lockstep_examples_per_sec")]);
        assertEquals("0.25", first[h.indexOf("efficiency")]);
        assertEquals("10", first[h.indexOf("lockstep_over_pa_f1")]);
        assertEquals("6.5", first[h.indexOf("overhead_ms")]);
        String[] second = lines.get(2).split(",", -1);
        assertEquals("", second[h.indexOf("dl4j_1t_examples_per_sec")]);
        assertEquals("", second[h.indexOf("efficiency")]);
        assertEquals("", second[h.indexOf("overhead_ms")]);
    }

    @Test
    void jsonHoldsEnvSettingsRowsAndTargets() throws Exception {
        Path f = dir.resolve("bench.json");
        ResultFiles.write(report(f), f);
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        assertEquals(2, n.get("rows").size());
        assertEquals(1000, n.get("rows").get(0).get("sides").get("lockstep").get("examplesPerSec").asDouble(), 1e-9);
        assertEquals(0.25, n.get("rows").get(0).get("ratios").get("efficiency").asDouble(), 1e-12);
        assertTrue(n.get("rows").get(1).get("ratios").get("efficiency").isNull());
        assertEquals("lockstep", n.get("settings").get("sides").get(0).asText());
        assertTrue(n.get("targets").get(0).has("met"));
        assertEquals(12.5, n.get("wallSeconds").asDouble());
        assertEquals(6.25, n.get("sparkFloor").get("resultJobMs").asDouble());
        assertEquals("network", n.get("channelFloor").get("path").asText());
        assertEquals(2.75, n.get("channelFloor").get("floorMs").asDouble());
    }

    @Test
    void onlyJsonAndCsvAreSupported() {
        assertTrue(ResultFiles.supported(Path.of("a/B.CSV")));
        assertTrue(ResultFiles.supported(Path.of("b.json")));
        assertFalse(ResultFiles.supported(Path.of("b.txt")));
    }
}
