package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench transform}'s result: medians, examples/s, ratio, text and JSON (made-up times, no timing). */
class TransformResultTest {
    // 10,000 rows; Spark medians 500 ms (20,000/s), DL4J 2,000 ms (5,000/s): ratio 4
    private static final TransformResult R = new TransformResult(10_000, 2, 256, "local[2]", 1.5,
            new double[] {700, 400, 500}, new double[] {2000, 1900, 2100, 2500});

    @Test
    void mediansThroughputAndRatio() {
        assertEquals(20_000, R.transformExamplesPerSec(), 1e-9);
        assertEquals(10_000 / 2.05, R.dl4jExamplesPerSec(), 1e-9); // even count: mean of 2000 and 2100
        assertEquals(20_000 / (10_000 / 2.05), R.ratio(), 1e-12);
    }

    @Test
    void textShowsBothSidesAndTheRatio() {
        String t = R.format();
        assertTrue(t.contains("10,000 MNIST rows"), t);
        assertTrue(t.lines().anyMatch(l -> l.contains("transform (local[2], 2 partitions)") && l.contains("20,000 examples/s")
                && l.contains("median 500.0 ms of 3 timed runs")), t);
        assertTrue(t.lines().anyMatch(l -> l.contains("plain DL4J output, 1 thread") && l.contains("4,878 examples/s")
                && l.contains("median 2050.0 ms of 4 timed runs")), t);
        assertTrue(t.contains("ratio transform / DL4J 1 thread: 4.10"), t);
    }

    @Test
    void jsonHasTheTimesAndDerivedNumbers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.json");
        ResultFiles.writeAtomically(f, ResultFiles.json(R));
        JsonNode j = new ObjectMapper().readTree(Files.readString(f));
        assertEquals(10_000, j.get("rows").asInt());
        assertEquals(3, j.get("transformMs").size());
        assertEquals(20_000, j.get("transformExamplesPerSec").asDouble(), 1e-9);
        assertEquals(R.ratio(), j.get("ratio").asDouble(), 1e-12);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void needsTimedRuns() {
        assertThrows(IllegalArgumentException.class,
                () -> new TransformResult(1, 1, 1, "local[1]", 0, new double[0], new double[] {1}));
    }
}
