package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep sweep} end to end on the committed MNIST subset (5,400 training / 600 validation /
 * 1,000 test examples, MLP, B = 64, P = 2 on local[2], a few steps per run): results, resume, a
 * diverging run, a failing run, summary.csv and summary.parquet.
 */
class SweepCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIXED = List.of("run", "status", "global_batch", "workers", "lr", "lr_scaling",
            "reference_batch", "peak_lr", "warmup", "warmup_steps", "optimizer", "seed", "steps", "examples",
            "wall_seconds", "target_accuracy", "reached_target", "steps_to_target", "examples_to_target",
            "seconds_to_target", "best_val_accuracy", "final_val_accuracy", "final_test_accuracy", "final_train_loss",
            "peak_loss", "diverged", "diverged_step", "b_simple_last_epoch", "error");

    @TempDir
    Path tmp;

    private static String base(String extra) {
        return baseWithoutTestSet("  test-images: " + TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz") + "\n"
                + "  test-labels: " + TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz") + "\n" + extra);
    }

    private static String baseWithoutTestSet(String extra) {
        return "base:\n" + SweepCliErrorsTest.data()
                + "  workers: 2\n  global-batch: 64\n  validation-fraction: 0.1\n  eval-train: false\n" + extra;
    }

    private CliRunner sweep(Path out, String yaml) throws IOException {
        Path spec = tmp.resolve("spec-" + out.getFileName() + ".yaml");
        Files.writeString(spec, yaml);
        return CliRunner.run("sweep", "--no-progress", "--master", "local[2]", "--out", out.toString(), spec.toString());
    }

    private static List<Map<String, String>> csv(Path sweep) throws IOException {
        CsvMapper mapper = new CsvMapper();
        try (MappingIterator<Map<String, String>> it = mapper.readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(sweep.resolve("summary.csv").toFile())) {
            return it.readAll();
        }
    }

    private static List<String> csvHeader(Path sweep) throws IOException {
        return List.of(Files.readAllLines(sweep.resolve("summary.csv")).get(0).split(","));
    }

    @Test
    void runsRecordsSummarisesAndResumesWithoutRedoingFinishedRuns() throws IOException {
        Path out = tmp.resolve("resume");
        String yaml = "name: resume-test\n" + baseWithoutTestSet("  optimizer: adam\n  eval-every: 2\n")
                + "grid:\n  lr: [0.001, 0.002]\nstop:\n  max-steps: 30\n  target-accuracy: 0.5\n";
        CliRunner first = sweep(out, yaml);
        assertEquals(0, first.exitCode(), first.err());
        Path a = out.resolve("runs/lr-0.001");
        Path b = out.resolve("runs/lr-0.002");
        assertTrue(Files.isRegularFile(a.resolve("result.json")) && Files.isRegularFile(b.resolve("result.json")));
        assertFalse(Files.exists(a.resolve("model.zip")), "no models without --save-models");
        assertTrue(Files.isRegularFile(out.resolve("sweep.yaml")) && Files.isRegularFile(out.resolve("plan.json")));
        assertEquals(yaml, Files.readString(out.resolve("sweep.yaml")));
        JsonNode plan = JSON.readTree(out.resolve("plan.json").toFile());
        List<String> argsB = new ArrayList<>();
        plan.get("lr-0.002").forEach(n -> argsB.add(n.asText()));
        assertTrue(argsB.contains("--lr=0.002") && argsB.contains("--steps=30"), argsB.toString());

        // the target: the first validation evaluation with accuracy >= 0.5, per metrics.jsonl
        JsonNode firstHit = LargeBatchCliTest.lines(a, "eval").stream()
                .filter(e -> e.get("set").asText().equals("validation") && e.get("accuracy").asDouble() >= 0.5)
                .findFirst().orElseThrow(() -> new AssertionError("the subset run must reach 0.5 in 30 steps"));
        JsonNode target = LargeBatchCliTest.lines(a, "target_reached").get(0);
        assertEquals(firstHit.get("step").asLong(), target.get("step").asLong());
        Map<String, String> rowA = csv(out).get(0);
        assertEquals("lr-0.001", rowA.get("run"));
        assertEquals("finished", rowA.get("status"));
        assertEquals("true", rowA.get("reached_target"));
        assertEquals(firstHit.get("step").asLong() + 1, Long.parseLong(rowA.get("steps_to_target")));
        assertEquals(64 * Long.parseLong(rowA.get("steps_to_target")), Long.parseLong(rowA.get("examples_to_target")));
        assertEquals(rowA.get("steps_to_target"), rowA.get("steps"), "training stops at the target");
        assertEquals("0.001", rowA.get("p_lr"));
        assertEquals(firstHit.get("accuracy").asDouble(), Double.parseDouble(rowA.get("final_val_accuracy")), 0.0);

        // interrupt b: its result.json is gone, its directory is left as an interrupted run would leave it
        byte[] metricsA = Files.readAllBytes(a.resolve("metrics.jsonl"));
        FileTime modifiedA = Files.getLastModifiedTime(a.resolve("metrics.jsonl"));
        Files.delete(b.resolve("result.json"));
        Files.writeString(b.resolve("metrics.jsonl"), "{\"type\":\"step\",\"step\":999}\n",
                java.nio.file.StandardOpenOption.APPEND);

        CliRunner again = sweep(out, yaml);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(modifiedA, Files.getLastModifiedTime(a.resolve("metrics.jsonl")), "finished run not redone");
        assertEquals(new String(metricsA), Files.readString(a.resolve("metrics.jsonl")));
        assertTrue(Files.isRegularFile(b.resolve("result.json")));
        assertTrue(LargeBatchCliTest.lines(b, "step").stream().noneMatch(s -> s.get("step").asLong() == 999),
                "the interrupted run started over");
        List<Map<String, String>> rows = csv(out);
        assertEquals(List.of("lr-0.001", "lr-0.002"), rows.stream().map(r -> r.get("run")).toList());
        assertEquals(rowA, rows.get(0), "the earlier run's row is unchanged");
    }

    @Test
    void aDivergingRunIsAResultAndSummariesHaveTheDocumentedColumns() throws IOException {
        Path out = tmp.resolve("diverge");
        CliRunner r = sweep(out, "name: diverge-test\n"
                + base("  optimizer: sgd\n  on-divergence: halt\n  divergence-factor: 2\n")
                + "grid:\n  lr: [0.05, 100]\nstop:\n  max-steps: 12\n");
        assertEquals(0, r.exitCode(), "a diverged run is not a sweep failure: " + r.err());
        List<String> expectedHeader = new ArrayList<>(FIXED);
        expectedHeader.add("p_lr");
        assertEquals(expectedHeader, csvHeader(out));

        List<Map<String, String>> rows = csv(out);
        Map<String, String> ok = rows.get(0);
        Map<String, String> bad = rows.get(1);
        assertEquals("finished", ok.get("status"));
        assertEquals("12", ok.get("steps"));
        assertEquals(String.valueOf(12 * 64), ok.get("examples"));
        assertEquals("false", ok.get("diverged"));
        assertEquals("", ok.get("diverged_step"));
        assertEquals("", ok.get("target_accuracy"));
        assertEquals("false", ok.get("reached_target"));
        assertEquals("sgd", ok.get("optimizer"));
        assertEquals("64", ok.get("global_batch"));
        assertEquals("2", ok.get("workers"));
        assertFalse(ok.get("final_test_accuracy").isEmpty());
        List<JsonNode> steps = LargeBatchCliTest.lines(out.resolve("runs/lr-0.05"), "step");
        double meanLoss = steps.stream().mapToDouble(s -> s.get("loss").asDouble()).average().orElseThrow();
        assertEquals(meanLoss, Double.parseDouble(ok.get("final_train_loss")), 1e-9, "fewer than 50 steps: all of them");
        double peak = steps.stream().mapToDouble(s -> s.get("loss").asDouble()).max().orElseThrow();
        assertEquals(peak, Double.parseDouble(ok.get("peak_loss")), 0.0);

        assertEquals("diverged", bad.get("status"));
        assertEquals("true", bad.get("diverged"));
        JsonNode event = LargeBatchCliTest.lines(out.resolve("runs/lr-100"), "divergence").get(0);
        assertEquals(event.get("step").asText(), bad.get("diverged_step"));
        assertEquals("100", bad.get("p_lr"));
        assertEquals("100.0", bad.get("lr"));

        readParquetAndCompare(out, rows, expectedHeader);
    }

    private static void readParquetAndCompare(Path out, List<Map<String, String>> csvRows, List<String> header) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("read-summary")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            Dataset<Row> df = spark.read().parquet(out.resolve("summary.parquet").toString());
            assertEquals(header, List.of(df.columns()));
            assertEquals("bigint", df.schema().apply("steps").dataType().simpleString());
            assertEquals("double", df.schema().apply("p_lr").dataType().simpleString());
            List<Row> rows = df.collectAsList();
            assertEquals(csvRows.size(), rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                assertEquals(csvRows.get(i).get("run"), row.getAs("run"));
                assertEquals(Long.parseLong(csvRows.get(i).get("steps")), (long) row.getAs("steps"));
                assertEquals(Double.parseDouble(csvRows.get(i).get("peak_loss")), (double) row.getAs("peak_loss"), 0.0);
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void aFailingRunIsRecordedAndTheSweepGoesOnThenExitsWithFailure() throws IOException {
        Path out = tmp.resolve("fail");
        // local[2] does not retry tasks, so an injected task failure fails its run
        CliRunner r = sweep(out, "name: fail-test\n" + base("  optimizer: sgd\n  lr: 0.05\n")
                + "grid:\n  inject-task-failures: [\"1:0\", \"\"]\nstop:\n  max-steps: 3\n");
        assertEquals(Main.EXIT_FAILURE, r.exitCode(), r.err());
        List<Map<String, String>> rows = csv(out);
        Map<String, Map<String, String>> byStatus = new LinkedHashMap<>();
        rows.forEach(row -> byStatus.put(row.get("status"), row));
        assertEquals(List.of("failed", "finished"), List.copyOf(byStatus.keySet()), "failed first, then the sweep went on");
        Map<String, String> failed = byStatus.get("failed");
        assertTrue(failed.get("error").contains("injected"), failed.get("error"));
        assertEquals("1", failed.get("steps"), "step 0 was applied before step 1 failed");
        assertEquals("", byStatus.get("finished").get("error"));
        assertNotEquals("", byStatus.get("finished").get("final_train_loss"));
    }
}
