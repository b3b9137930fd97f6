package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.app.report.ReportFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockstep report} through the real CLI entry point: exit codes, messages, files. */
class ReportCliTest {
    @TempDir
    Path tmp;

    private static void assertFails(CliRunner r, int code, String... fragments) {
        assertEquals(code, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
        }
    }

    @Test
    void writesReportHtmlIntoTheRunDirectory() throws IOException {
        Path run = ReportFixtures.run(tmp.resolve("run"), 40, 128, false);
        CliRunner r = CliRunner.run("report", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(run.resolve("report.html")).contains("Run report: run"));
    }

    @Test
    void configTableOfARealRunShowsTheResolvedStepsAndReferenceBatch() throws IOException {
        Path run = tmp.resolve("real");
        CliRunner train = CliRunner.run("train", "--no-progress", "--master", "local[2]", "--workers", "2",
                "--global-batch", "1024", "--epochs", "1", "--out", run.toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString(),
                "--test-images", TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz").toString(),
                "--test-labels", TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz").toString());
        assertEquals(0, train.exitCode(), train.err());
        long steps;
        try (Stream<String> lines = Files.lines(run.resolve("metrics.jsonl"))) {
            steps = lines.filter(l -> l.contains("\"type\":\"step\"")).count();
        }
        assertTrue(steps > 0);
        CliRunner r = CliRunner.run("report", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        String html = Files.readString(run.resolve("report.html"));
        for (String row : new String[] {"<td>steps</td><td>" + steps + " (from the epochs; config 0)</td>",
            "<td>referenceBatch</td><td>1024 (the global batch; config 0)</td>"}) {
            assertTrue(html.contains(row), "expected " + row + " in the config table");
        }
        assertFalse(html.contains("<td>steps</td><td>0</td>"), "the unresolved 0 is not shown");
    }

    @Test
    void sweepDirectoryAndOutOption() throws IOException {
        Path sweep = ReportFixtures.sweep(Files.createDirectories(tmp.resolve("sweep")));
        Path out = tmp.resolve("elsewhere/sweep.html");
        CliRunner r = CliRunner.run("report", sweep.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(out).contains("Sweep report: sweep"));
        assertFalse(Files.exists(sweep.resolve("report.html")));
    }

    @Test
    void missingDirectoryIsAUsageError() {
        assertFails(CliRunner.run("report", tmp.resolve("nope").toString()), Main.EXIT_USAGE, "nope", "does not exist");
    }

    @Test
    void directoryWithoutRunOrSummaryIsAUsageError() {
        assertFails(CliRunner.run("report", tmp.toString()), Main.EXIT_USAGE, "no run.json", "no summary.csv");
    }

    @Test
    void outPointingAtADirectoryIsAUsageError() {
        Path run = ReportFixtures.run(tmp.resolve("run"), 10, 64, false);
        assertFails(CliRunner.run("report", run.toString(), "--out", tmp.toString()), Main.EXIT_USAGE, "--out");
    }

    @Test
    void malformedMetricsFailsWithFileAndLineAndKeepsTheOldReport() throws IOException {
        Path run = ReportFixtures.run(tmp.resolve("run"), 10, 64, false);
        Path metrics = run.resolve("metrics.jsonl");
        Files.writeString(metrics, Files.readAllLines(metrics).get(0) + "\n" + Files.readAllLines(metrics).get(1)
                + "\n{\"type\":\"step\",\"step\":\n");
        Files.writeString(run.resolve("report.html"), "previous report");
        assertFails(CliRunner.run("report", run.toString()), Main.EXIT_FAILURE, metrics + " line 3");
        assertEquals("previous report", Files.readString(run.resolve("report.html")), "old report kept");
        try (Stream<Path> files = Files.list(run)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "no temp file left");
        }
    }

    @Test
    void malformedSummaryFailsWithFileAndLine() throws IOException {
        Path sweep = ReportFixtures.sweep(Files.createDirectories(tmp.resolve("sweep")));
        Files.writeString(sweep.resolve("summary.csv"), "run,status,global_batch\na,finished,big\n");
        assertFails(CliRunner.run("report", sweep.toString()), Main.EXIT_FAILURE, "summary.csv line 2",
                "global_batch");
    }
}
