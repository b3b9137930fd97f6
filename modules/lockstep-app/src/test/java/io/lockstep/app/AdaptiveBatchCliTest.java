package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --global-batch adaptive} through the CLI on the MNIST subset (6,000 training images): the run's
 * steps train on the batches it chose (examples add up), a choice is logged every {@code --adapt-every}
 * steps and applies from the next step, run.json describes the range; bad combinations are usage errors
 * naming the option, with nothing written.
 */
class AdaptiveBatchCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliRunner train(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--no-progress", "--master", "local[2]",
                "--workers", "2", "--no-eval-train", "--out", out.toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static CliRunner adaptive(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--global-batch", "adaptive", "--reference-batch", "50",
                "--optimizer", "nesterov", "--lr", "0.05"));
        if (!List.of(extra).contains("--ghost-batch")) {
            args.addAll(List.of("--ghost-batch", "25"));
        }
        args.addAll(List.of(extra));
        return train(out, args.toArray(String[]::new));
    }

    @Test
    void stepsTrainOnTheChosenBatches() throws IOException {
        Path out = tmp.resolve("adaptive");
        CliRunner r = adaptive(out, "--max-batch", "1600", "--adapt-every", "3", "--steps", "90");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("adaptive 50..1600, re-chosen every 3 steps", run.path("derived").path("batch_schedule").asText());
        assertEquals("adascale", run.path("derived").path("lr_scaling").asText(), "adaptive implies adascale");
        List<JsonNode> steps = LargeBatchCliTest.lines(out, "step");
        List<JsonNode> choices = LargeBatchCliTest.lines(out, "batch_choice");
        assertFalse(choices.isEmpty());
        long examples = 0;
        for (JsonNode s : steps) {
            examples += s.path("global_batch").asLong();
            assertEquals(examples, s.path("examples").asLong(), "examples after step " + s.path("step"));
        }
        assertEquals(50, steps.get(0).path("global_batch").asInt(), "the first step has B_min");
        for (JsonNode c : choices) {
            int after = c.path("step").asInt();
            assertEquals(2, after % 3, "a choice after every 3rd step: " + c);
            assertTrue(c.path("efficiency").asDouble() > 0 && c.path("efficiency").asDouble() <= 1, c.toString());
            if (after + 1 < steps.size()) {
                assertEquals(c.path("batch").asInt(), steps.get(after + 1).path("global_batch").asInt());
            }
        }
        System.out.println("[adaptive cli] sizes " + steps.stream().map(s -> s.path("global_batch").asInt()).distinct()
                .toList() + " over " + steps.size() + " steps");
    }

    @Test
    void badCombinationsAreUsageErrorsNamingTheOption() {
        assertUsage(train(tmp.resolve("a"), "--steps", "3", "--min-batch", "64"),
                "--min-batch needs --global-batch adaptive");
        assertUsage(train(tmp.resolve("b"), "--steps", "3", "--global-batch", "lots"),
                "--global-batch: expected a number of examples or 'adaptive', got 'lots'");
        assertUsage(train(tmp.resolve("c"), "--steps", "3", "--global-batch", "adaptive"),
                "--global-batch adaptive needs --reference-batch");
        assertUsage(adaptive(tmp.resolve("d"), "--steps", "3", "--lr-scaling", "linear"),
                "--global-batch adaptive needs lrScaling adascale");
        assertUsage(adaptive(tmp.resolve("e"), "--steps", "3", "--max-batch", "9000"),
                "--max-batch (9000) is larger than the training set");
        assertUsage(adaptive(tmp.resolve("f"), "--steps", "3", "--min-batch", "40"),
                "--min-batch (40) must be at least --reference-batch (50)");
        assertUsage(adaptive(tmp.resolve("g"), "--steps", "3", "--ghost-batch", "50"),
                "needs at least two parts per step");
        assertFalse(Files.exists(tmp.resolve("g").resolve("run.json")), "refused before anything is written");
    }

    private static void assertUsage(CliRunner r, String fragment) {
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertFalse(r.showsStackTrace(), r.err());
    }
}
