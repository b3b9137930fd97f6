package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path dir;

    static final String RUN_JSON = "{\"derived\":{\"global_batch\":1024,\"workers\":2,\"micro_batch\":0},"
            + "\"model\":{\"name\":\"mlp\",\"params\":269322},\"spark\":{\"master\":\"local[2]\"}}";

    static String step(long step, double stepMs, Double bSimple) {
        return "{\"type\":\"step\",\"step\":" + step + ",\"loss\":1.0,\"b_simple\":" + bSimple + ",\"step_ms\":" + stepMs
                + ",\"broadcast_ms\":1.0,\"job_ms\":" + (stepMs - 2) + ",\"slowest_task_ms\":" + (stepMs / 2)
                + ",\"aggregate_ms\":0.5,\"update_ms\":0.25,\"overhead_ms\":3.0}";
    }

    /** Writes a run dir with {@code n} steps of 10 ms plus extra lines. */
    static Path writeRun(Path dir, int n, String... extra) throws IOException {
        Files.writeString(dir.resolve("run.json"), RUN_JSON);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(step(i, 10, i < 2 ? null : 100.0 + i));
            if (i == 0) {
                lines.add("{\"type\":\"eval\",\"set\":\"test\",\"step\":0,\"loss\":1,\"accuracy\":0.5,\"count\":10}");
            }
        }
        lines.addAll(List.of(extra));
        Files.write(dir.resolve("metrics.jsonl"), lines);
        return dir;
    }

    @Test
    void readsShapeStepsAndTarget() throws IOException {
        MeasuredRun r = RunDirectory.read(writeRun(dir, 5, "{\"type\":\"target_reached\",\"step\":3,\"steps\":4}"));
        assertEquals(1024, r.globalBatch());
        assertEquals(2, r.workers());
        assertEquals(269322, r.params());
        assertEquals("local[2]", r.master());
        assertEquals(5, r.steps().size());
        assertEquals(512, r.examplesPerTask());
        assertEquals(4, r.stepsToTarget().getAsLong());
        assertTrue(Double.isNaN(r.steps().get(0).bSimple()));
        assertEquals(103.0, r.bSimple(), 1e-12, "last 20% of the steps before the target");
        assertEquals(5.0, r.steps().get(1).computeMillis());
    }

    @Test
    void theStepTransportIsRunJsonsAndJobWhenAbsent() throws IOException {
        assertEquals("job", RunDirectory.read(writeRun(dir, 5)).transport(), "a run.json without step_transport");
        Files.writeString(dir.resolve("run.json"), RUN_JSON.replace("{\"derived\"", "{\"step_transport\":\"channel\","
                + "\"derived\""));
        assertEquals("channel", RunDirectory.read(dir).transport());
        Files.writeString(dir.resolve("run.json"), RUN_JSON.replace("{\"derived\"", "{\"step_transport\":\"pigeon\","
                + "\"derived\""));
        DataException e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("run.json: step_transport must be \"job\" or \"channel\", got \"pigeon\""),
                e.getMessage());
    }

    @Test
    void targetWithoutStepsCountIsTheZeroBasedStepPlusOne() throws IOException {
        MeasuredRun r = RunDirectory.read(writeRun(dir, 3, "{\"type\":\"target_reached\",\"step\":2}"));
        assertEquals(3, r.stepsToTarget().getAsLong());
    }

    @Test
    void theLastLineOfARepeatedStepWins() throws IOException {
        MeasuredRun r = RunDirectory.read(writeRun(dir, 3, "{\"type\":\"resume\",\"from_step\":1}", step(1, 99, null),
                step(2, 77, null)));
        assertEquals(3, r.steps().size());
        assertEquals(99, r.steps().get(1).stepMillis());
        assertEquals(77, r.steps().get(2).stepMillis());
    }

    @Test
    void missingFilesNameTheFile() {
        DataException e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains(dir.resolve("run.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a Lockstep run directory"), e.getMessage());
    }

    @Test
    void malformedLinesNameFileAndLine() throws IOException {
        writeRun(dir, 2, "{\"type\":\"step\",\"step\":");
        DataException e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("metrics.jsonl:4: not valid JSON"), e.getMessage());

        writeRun(dir, 2, "{\"type\":\"step\",\"step\":2,\"step_ms\":5}");
        e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("metrics.jsonl:4: field \"broadcast_ms\" must be a number, got nothing"),
                e.getMessage());

        writeRun(dir, 2, step(2, -5, null));
        e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("metrics.jsonl:4: step 2: step_ms must be a finite time >= 0"), e.getMessage());
    }

    @Test
    void badRunJsonAndEmptyMetricsAreReported() throws IOException {
        writeRun(dir, 0);
        DataException e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("no \"step\" lines"), e.getMessage());

        writeRun(dir, 2);
        Files.writeString(dir.resolve("run.json"), RUN_JSON.replace("269322", "\"many\""));
        e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("run.json: model.params must be an integer, got \"many\""), e.getMessage());

        Files.writeString(dir.resolve("run.json"), "{not json");
        e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("run.json: not valid JSON"), e.getMessage());

        Files.writeString(dir.resolve("run.json"), RUN_JSON.replace("\"workers\":2", "\"workers\":4096"));
        e = assertThrows(DataException.class, () -> RunDirectory.read(dir));
        assertTrue(e.getMessage().contains("B >= workers P"), e.getMessage());
    }

    @Test
    void historyHasEachStepsBatchAndNoiseFieldsAndReadsGzippedMetrics() throws IOException {
        Files.writeString(dir.resolve("run.json"), "{\"derived\":{\"global_batch\":64,\"workers\":2,"
                + "\"reference_batch\":32},\"model\":{\"params\":10},\"dataset\":{\"train_size\":600}}");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String s = step(i, 10, 5.0);
            lines.add(s.substring(0, s.length() - 1) + (i < 2 ? ",\"noise_grad_sq\":null" : ",\"global_batch\":128,"
                    + "\"noise_grad_sq\":" + i + ",\"noise_trace_sigma\":" + (10 * i) + ",\"adascale_variance\":0.5,"
                    + "\"adascale_sq_norm\":0.25") + "}");
        }
        try (var out = new java.io.PrintWriter(new java.util.zip.GZIPOutputStream(
                Files.newOutputStream(dir.resolve("metrics.jsonl.gz"))), false, java.nio.charset.StandardCharsets.UTF_8)) {
            lines.forEach(out::println);
        }
        assertEquals(null, RunDirectory.missingFile(dir));
        RunHistory h = RunDirectory.readHistory(dir);
        assertEquals(32, h.referenceBatch());
        assertEquals(600, h.trainingSetSize());
        assertEquals(List.of(64, 64, 128, 128), java.util.stream.IntStream.range(0, 4).map(h::batch).boxed().toList());
        assertTrue(Double.isNaN(h.statistics().get(0).gradSqNorm()));
        assertTrue(!h.statistics().get(1).hasEstimate() && h.statistics().get(3).hasEstimate());
        assertEquals(30, h.statistics().get(3).traceSigma());
        assertEquals(0.25, h.statistics().get(2).sqNorm());
        assertEquals(List.of(64, 128), h.byBatch().stream().map(MeasuredRun::globalBatch).toList());
        assertEquals(2, h.byBatch().get(1).steps().size());
    }

    @Test
    void aGlobalBatchThatIsNotAPositiveIntegerNamesTheField() throws IOException {
        writeRun(dir, 2, "{\"type\":\"step\",\"step\":2,\"global_batch\":1.5,\"step_ms\":1,\"broadcast_ms\":0,"
                + "\"job_ms\":1,\"slowest_task_ms\":1,\"aggregate_ms\":0,\"update_ms\":0}");
        DataException e = assertThrows(DataException.class, () -> RunDirectory.readHistory(dir));
        assertTrue(e.getMessage().contains("\"global_batch\" must be a positive integer, got 1.5"), e.getMessage());
    }
}
