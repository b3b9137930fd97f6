package io.lockstep.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsReaderTest {
    @TempDir
    Path tmp;

    private Path write(String... lines) {
        return ReportFixtures.lines(tmp.resolve("metrics.jsonl"), lines);
    }

    @Test
    void readsStepsEvalsAndDivergences() {
        Path dir = ReportFixtures.run(tmp.resolve("run"), 60, 128, true);
        RunMetrics m = MetricsReader.read(dir.resolve("metrics.jsonl"));
        assertEquals(60, m.steps().size());
        assertEquals(0, m.steps().get(0).step());
        assertEquals(128, m.steps().get(0).examples());
        assertTrue(Double.isNaN(m.steps().get(0).bSimple()), "null b_simple reads as NaN");
        assertEquals(2, m.steps().get(5).updateRatios().size());
        assertEquals(30.0, m.steps().get(5).timing("job_ms"));
        assertEquals(3, m.evals("test").size());
        assertEquals(List.of(19L, 39L, 59L), m.evals("validation").stream().map(EvalRecord::step).toList());
        assertEquals(1, m.divergences().size());
        assertEquals("rollback", m.divergences().get(0).action());
    }

    @Test
    void readsTheGzippedCopyResultsKeepWhenThePlainFileIsAbsent() throws IOException {
        Path dir = ReportFixtures.run(tmp.resolve("gz"), 20, 64, false);
        Path plain = dir.resolve("metrics.jsonl");
        RunMetrics expected = MetricsReader.read(plain);
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(
                java.nio.file.Files.newOutputStream(dir.resolve("metrics.jsonl.gz")))) {
            out.write(java.nio.file.Files.readAllBytes(plain));
        }
        java.nio.file.Files.delete(plain);
        RunMetrics m = MetricsReader.read(plain);
        assertEquals(expected.steps().size(), m.steps().size());
        assertEquals(expected.steps().get(19).loss(), m.steps().get(19).loss());
    }

    @Test
    void afterAResumeTheLastLinePerStepWins() throws IOException {
        Path f = write("{\"type\":\"step\",\"step\":0,\"loss\":2.0}", "{\"type\":\"step\",\"step\":1,\"loss\":1.5}",
                "{\"type\":\"eval\",\"set\":\"test\",\"step\":1,\"accuracy\":0.5}",
                "{\"type\":\"resume\",\"from_step\":1}", "{\"type\":\"step\",\"step\":1,\"loss\":1.4}",
                "{\"type\":\"eval\",\"set\":\"test\",\"step\":1,\"accuracy\":0.6}", "",
                "{\"type\":\"step\",\"step\":2,\"loss\":1.1}");
        RunMetrics m = MetricsReader.read(f);
        assertEquals(List.of(2.0, 1.4, 1.1), m.steps().stream().map(StepRecord::loss).toList());
        assertEquals(1, m.evals("test").size());
        assertEquals(0.6, m.evals("test").get(0).accuracy());
        assertTrue(Double.isNaN(m.steps().get(0).lr()), "absent field reads as NaN");
    }

    @Test
    void malformedLineNamesFileAndLine() throws IOException {
        Path f = write("{\"type\":\"step\",\"step\":0,\"loss\":2.0}", "{\"type\":\"step\",\"step\":1,\"loss\":1.5}",
                "{\"type\":\"step\",\"step\":2,\"lo");
        ReportException e = assertThrows(ReportException.class, () -> MetricsReader.read(f));
        assertTrue(e.getMessage().startsWith(f + " line 3: not valid JSON"), e.getMessage());
    }

    @Test
    void wrongFieldTypesAreErrors() throws IOException {
        Path text = write("{\"type\":\"step\",\"step\":0,\"loss\":\"low\"}");
        ReportException e = assertThrows(ReportException.class, () -> MetricsReader.read(text));
        assertTrue(e.getMessage().contains("line 1: field 'loss' must be a number"), e.getMessage());

        Path noStep = write("{\"type\":\"step\",\"loss\":1}", "{\"type\":\"step\",\"step\":1.5,\"loss\":1}");
        e = assertThrows(ReportException.class, () -> MetricsReader.read(noStep));
        assertTrue(e.getMessage().contains("line 1: field 'step' must be an integer"), e.getMessage());

        Path array = write("[1, 2]");
        e = assertThrows(ReportException.class, () -> MetricsReader.read(array));
        assertTrue(e.getMessage().contains("line 1: expected a JSON object"), e.getMessage());

        Path noSet = write("{\"type\":\"eval\",\"step\":3,\"accuracy\":0.9}");
        e = assertThrows(ReportException.class, () -> MetricsReader.read(noSet));
        assertTrue(e.getMessage().contains("'set'"), e.getMessage());
    }

    @Test
    void missingFileIsAnError() {
        ReportException e = assertThrows(ReportException.class, () -> MetricsReader.read(tmp.resolve("nope.jsonl")));
        assertTrue(e.getMessage().contains("nope.jsonl"), e.getMessage());
    }
}
