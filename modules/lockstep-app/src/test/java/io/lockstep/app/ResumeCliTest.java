package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume} through the real CLI on the committed MNIST subset (local[2], 2 workers,
 * B = 64): a run stopped after 20 steps and resumed to 40 writes the same model as a 40-step run,
 * and its metrics.jsonl continues with the same step lines after a resume marker. A run whose
 * gradient tasks fail once ({@code --inject-task-failures}, master {@code local[2,4]}) writes the same
 * model as one without failures. The uninterrupted 40-step run is made once and shared.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumeCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    /** The uninterrupted 40-step run (checkpointing does not change the training). */
    private static Path full;

    @BeforeAll
    static void uninterruptedRun() {
        full = tmp.resolve("full");
        CliRunner r = train("--out", full.toString(), "--steps", "40", "--checkpoint-every", "20");
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    @Order(1)
    void resumedRunEqualsUninterruptedRun() throws IOException {
        Path run = tmp.resolve("stopped");
        CliRunner first = train("--out", run.toString(), "--steps", "20", "--checkpoint-every", "20");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(Files.isDirectory(run.resolve("checkpoints")), "default checkpoint folder <out>/checkpoints");

        CliRunner resumed = CliRunner.run("train", "--resume", run.toString(), "--steps", "40", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());

        assertArrayEquals(params(full), params(run), "model.zip of the resumed run must be bit-identical");

        List<JsonNode> lines = metrics(run);
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) {
            if ("resume".equals(lines.get(i).path("type").asText())) {
                assertEquals(-1, marker, "one resume line");
                marker = i;
            }
        }
        assertTrue(marker > 0, "metrics.jsonl has a resume line");
        assertEquals(20, lines.get(marker).path("from_step").asLong());

        List<JsonNode> expected = steps(metrics(full));
        List<JsonNode> before = steps(lines.subList(0, marker));
        List<JsonNode> after = steps(lines.subList(marker + 1, lines.size()));
        assertEquals(expected.subList(0, 20), before, "steps 0..19");
        assertEquals(20, after.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(expected.get(20 + i), after.get(i), "step " + (20 + i) + " (all fields but timings)");
        }

        JsonNode runJson = JSON.readTree(run.resolve("run.json").toFile());
        JsonNode from = runJson.findValue("resumed_from_step");
        assertNotNull(from, "run.json records resumed_from_step: " + runJson);
        assertEquals(20, from.asLong());
    }

    @Test
    @Order(2)
    void retriedTaskFailuresDoNotChangeTheModel() throws IOException {
        Path run = tmp.resolve("faulty");
        FailedTasks.COUNT.set(0);
        // the command's SparkConf reads spark.* system properties: count failed tasks with a listener
        System.setProperty("spark.extraListeners", FailedTasks.class.getName());
        CliRunner r;
        try {
            r = train("--out", run.toString(), "--steps", "40", "--master", "local[2,4]",
                    "--inject-task-failures", "2:0,3:1");
        } finally {
            System.clearProperty("spark.extraListeners");
        }
        assertEquals(0, r.exitCode(), r.err());
        // stopping the context drained the listener bus
        assertTrue(FailedTasks.COUNT.get() >= 2, "injected task failures seen by Spark: " + FailedTasks.COUNT.get());
        assertArrayEquals(params(full), params(run), "retried tasks must leave the model bit-identical");
    }

    @Test
    @Order(3)
    void resumeWithoutCheckpointsIsAUsageError() throws IOException {
        // a run directory whose run never checkpointed: run.json (args) and metrics, no checkpoints folder
        Path run = Files.createDirectories(tmp.resolve("no-checkpoints"));
        Files.copy(full.resolve("run.json"), run.resolve("run.json"));
        Files.copy(full.resolve("metrics.jsonl"), run.resolve("metrics.jsonl"));
        CliRunner r = CliRunner.run("train", "--resume", run.toString(), "--no-progress");
        assertUsageError(r, run.getFileName().toString());
        assertTrue(r.err().replace(run.toString(), "").contains("checkpoint"), "says what is missing: " + r.err());
        assertFalse(Files.exists(run.resolve("model.zip")), "nothing was trained");
    }

    @Test
    @Order(4)
    void checkpointsAreOnByDefaultAndOffWithZero() throws IOException {
        Path byDefault = tmp.resolve("default-checkpoints");
        CliRunner r = train("--out", byDefault.toString(), "--steps", "5");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(hasFiles(byDefault.resolve("checkpoints")), "a run without --checkpoint-every checkpoints");
        assertNotNull(JSON.readTree(byDefault.resolve("run.json").toFile()).get("checkpoint_dir"));

        Path off = tmp.resolve("checkpoints-off");
        r = train("--out", off.toString(), "--steps", "5", "--checkpoint-every", "0");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(Files.exists(off.resolve("checkpoints")), "--checkpoint-every 0 writes no checkpoint");
        assertFalse(JSON.readTree(off.resolve("run.json").toFile()).has("checkpoint_dir"));
        CliRunner resumed = CliRunner.run("train", "--resume", off.toString(), "--steps", "10", "--no-progress");
        assertUsageError(resumed, "--checkpoint-every 0");
    }

    @Test
    @Order(5)
    void resumeOfADirectoryThatIsNoRunIsAUsageError() throws IOException {
        Path notARun = Files.createDirectories(tmp.resolve("not-a-run"));
        Files.writeString(notARun.resolve("notes.txt"), "hello");
        assertUsageError(CliRunner.run("train", "--resume", notARun.toString(), "--no-progress"), "not-a-run");
        assertUsageError(CliRunner.run("train", "--resume", tmp.resolve("missing").toString(), "--no-progress"),
                "missing");
    }

    /**
     * The newest two checkpoints are kept; a flipped bit in the newest one's array file (its Hadoop
     * {@code .crc} removed, as on an object store) makes the resume fall back to the one before, and the
     * model is still the uninterrupted run's. When no checkpoint passes verification, the resume stops in
     * one line.
     */
    @Test
    @Order(5)
    void aDamagedNewestCheckpointFallsBackToThePreviousOne() throws IOException {
        Path run = tmp.resolve("damaged");
        CliRunner first = train("--out", run.toString(), "--steps", "30", "--checkpoint-every", "10");
        assertEquals(0, first.exitCode(), first.err());
        Path checkpoints = run.resolve("checkpoints");
        assertEquals(List.of("ckpt-000000000020", "ckpt-000000000030"), checkpointFolders(checkpoints));
        flipABit(checkpoints.resolve("ckpt-000000000030"));

        CliRunner resumed = CliRunner.run("train", "--resume", run.toString(), "--steps", "40", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertArrayEquals(params(full), params(run), "resumed from step 20, the model is the uninterrupted run's");
        List<JsonNode> resumes = metrics(run).stream().filter(l -> "resume".equals(l.path("type").asText())).toList();
        assertEquals(20, resumes.get(resumes.size() - 1).path("from_step").asLong());

        assertEquals(List.of("ckpt-000000000030", "ckpt-000000000040"), checkpointFolders(checkpoints));
        flipABit(checkpoints.resolve("ckpt-000000000030"));
        flipABit(checkpoints.resolve("ckpt-000000000040"));
        CliRunner none = CliRunner.run("train", "--resume", run.toString(), "--steps", "50", "--no-progress");
        assertEquals(Main.EXIT_FAILURE, none.exitCode(), none.err());
        assertFalse(none.showsStackTrace(), none.err());
        assertEquals(1, none.err().strip().lines().count(), "one line: " + none.err());
        assertTrue(none.err().contains("no usable checkpoint in") && none.err().contains("CRC32C mismatch"), none.err());
    }

    private static void flipABit(Path checkpoint) throws IOException {
        Path arrays = checkpoint.resolve("arrays.bin");
        byte[] bytes = Files.readAllBytes(arrays);
        bytes[bytes.length / 3] ^= 0x04;
        Files.write(arrays, bytes);
        Files.deleteIfExists(checkpoint.resolve(".arrays.bin.crc"));
    }

    private static List<String> checkpointFolders(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ckpt-")).sorted().toList();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Counts failed task attempts; registered through {@code spark.extraListeners}. */
    public static final class FailedTasks extends SparkListener {
        static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskInfo().failed()) {
                COUNT.incrementAndGet();
            }
        }
    }

    private static void assertUsageError(CliRunner r, String fragment) {
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    private static CliRunner train(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--no-progress", "--workers", "2",
                "--no-eval-train", "--global-batch", "64",
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--master")) {
            args.addAll(List.of("--master", "local[2]"));
        }
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.walk(dir)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }

    private static float[] params(Path run) throws IOException {
        return MultiLayerNetwork.load(run.resolve("model.zip").toFile(), false).params().toFloatVector();
    }

    private static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** The step lines, without the timing fields (names ending in "_ms"). */
    private static List<JsonNode> steps(List<JsonNode> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode l : lines) {
            if ("step".equals(l.path("type").asText())) {
                ObjectNode copy = l.deepCopy();
                for (Iterator<String> it = copy.fieldNames(); it.hasNext(); ) {
                    if (it.next().endsWith("_ms")) {
                        it.remove();
                    }
                }
                out.add(copy);
            }
        }
        return out;
    }
}
