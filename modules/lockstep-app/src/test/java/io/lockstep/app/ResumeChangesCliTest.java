package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume} compares the command with the run spec stored in run.json: a changed learning
 * rate is refused with exit code 2 and one line listing the difference; more epochs are applied and
 * printed; {@code --allow-changes} applies a math change and records it in metrics.jsonl. One run on the
 * committed MNIST subset (B = 600, 10 steps per epoch), continued step by step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumeChangesCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path run() {
        return tmp.resolve("run");
    }

    @Test
    @Order(1)
    void aChangedLearningRateIsRefusedInOneLine() throws IOException {
        CliRunner first = CliRunner.run("train", "--no-progress", "--master", "local[2]", "--workers", "2",
                "--no-eval-train", "--global-batch", "600", "--epochs", "1", "--checkpoint-every", "5",
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString(),
                "--out", run().toString());
        assertEquals(0, first.exitCode(), first.err());
        String metricsBefore = Files.readString(run().resolve("metrics.jsonl"));

        CliRunner r = CliRunner.run("train", "--resume", run().toString(), "--no-progress", "--lr", "0.5",
                "--global-batch", "300", "--epochs", "2");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains("--lr: checkpoint 0.001, command 0.5"), r.err());
        assertTrue(r.err().contains("--global-batch: checkpoint 600, command 300"), r.err());
        assertFalse(r.err().contains("--epochs"), "more epochs may change: " + r.err());
        assertEquals(metricsBefore, Files.readString(run().resolve("metrics.jsonl")), "nothing was trained");
    }

    @Test
    @Order(2)
    void moreEpochsAreAppliedAndPrinted() throws IOException {
        CliRunner c = resume("--epochs", "2");
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("with changes: --epochs: checkpoint 1, command 2"), c.out());
        assertEquals(20, lastStep() + 1, "trained on to the new total");
        assertEquals(2, spec().at("/train/epochs").asInt());
        assertTrue(lines("resume_changes").isEmpty() || !lines("resume_changes").get(0).at("/changes/0/changes_math")
                .asBoolean(), "an allowed change is not a math change");
    }

    @Test
    @Order(3)
    void allowChangesAppliesAMathChangeAndRecordsIt() throws IOException {
        CliRunner c = resume("--epochs", "3", "--lr", "0.002", "--allow-changes");
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(30, lastStep() + 1);
        assertEquals(0.002, spec().at("/train/lr").asDouble());
        List<JsonNode> changes = lines("resume_changes");
        JsonNode last = changes.get(changes.size() - 1).get("changes");
        List<String> options = new ArrayList<>();
        for (JsonNode ch : last) {
            options.add(ch.get("option").asText() + " " + ch.get("checkpoint").asText() + " " + ch.get("command").asText()
                    + " " + ch.get("changes_math").asBoolean());
        }
        assertTrue(options.contains("--lr 0.001 0.002 true"), options.toString());
        assertTrue(options.contains("--epochs 2 3 false"), options.toString());
        JsonNode lrOfLastStep = lines("step").get(lines("step").size() - 1).get("lr");
        assertEquals(0.002, lrOfLastStep.asDouble(), 1e-12, "the resumed steps train with the new rate");
    }

    @Test
    @Order(4)
    void aRunJsonOfAnOlderVersionWithRecordedArgumentsStillResumes() throws IOException {
        Path legacy = tmp.resolve("legacy");
        copyTree(run(), legacy);
        com.fasterxml.jackson.databind.node.ObjectNode runJson =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(legacy.resolve("run.json").toFile());
        runJson.remove("spec");
        com.fasterxml.jackson.databind.node.ArrayNode args = runJson.putArray("args");
        for (String a : List.of("--no-eval-train", "--global-batch", "600", "--epochs", "3", "--lr", "0.002",
                "--checkpoint-every", "5", "--master", "local[2]",
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString())) {
            args.add(a);
        }
        JSON.writeValue(legacy.resolve("run.json").toFile(), runJson);
        CliRunner r = CliRunner.run("train", "--resume", legacy.toString(), "--no-progress", "--epochs", "4");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode spec = JSON.readTree(legacy.resolve("run.json").toFile()).get("spec");
        assertEquals(4, spec.at("/train/epochs").asInt());
        assertEquals(2, spec.at("/workers").asInt(), "P from the old run.json's derived values");
    }

    @Test
    @Order(5)
    void theStepTransportMayChangeOnResumeAndIsKeptWhenNotTyped() throws IOException {
        CliRunner c = resume("--epochs", "4", "--step-transport", "job");
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("--step-transport: checkpoint auto, command job"), c.out());
        assertEquals("job", spec().at("/transport/kind").asText());
        assertEquals("job", JSON.readTree(run().resolve("run.json").toFile()).path("step_transport").asText());
        CliRunner again = resume("--epochs", "5");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(50, lastStep() + 1);
        assertEquals("job", JSON.readTree(run().resolve("run.json").toFile()).path("step_transport").asText(),
                "the stored transport, not the command's default (auto, which would choose the channel here)");
    }

    // ---------------------------------------------------------------------------------------------

    private static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Resumes the run with {@code extra}. */
    private static CliRunner resume(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--resume", run().toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static JsonNode spec() throws IOException {
        return JSON.readTree(run().resolve("run.json").toFile()).get("spec");
    }

    private static long lastStep() throws IOException {
        List<JsonNode> steps = lines("step");
        return steps.get(steps.size() - 1).get("step").asLong();
    }

    private static List<JsonNode> lines(String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run().resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (type.equals(n.path("type").asText())) {
                out.add(n);
            }
        }
        return out;
    }
}
