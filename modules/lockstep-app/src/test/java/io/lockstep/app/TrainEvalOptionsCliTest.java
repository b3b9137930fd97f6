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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --eval-every} and {@code --target-accuracy} through the real CLI on the MNIST subset. */
class TrainEvalOptionsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private void assertUsageError(CliRunner r, String... fragments) {
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
        }
        assertFalse(Files.exists(tmp.resolve("run").resolve("run.json")));
    }

    @Test
    void badValuesAreUsageErrorsNamingTheOption() {
        assertUsageError(LargeBatchCliTest.train(tmp.resolve("run"), "--eval-every", "-3"), "--eval-every", "-3");
        assertUsageError(LargeBatchCliTest.train(tmp.resolve("run"), "--target-accuracy", "1.5", "--validation-fraction", "0.1"),
                "--target-accuracy", "1.5");
        assertUsageError(LargeBatchCliTest.train(tmp.resolve("run"), "--target-accuracy", "0.9"), "--target-accuracy needs --validation-fraction");
    }

    @Test
    void evaluatesEveryNStepsAndStopsAtTheTarget() throws IOException {
        Path out = tmp.resolve("target");
        CliRunner r = LargeBatchCliTest.train(out, "--steps", "40", "--eval-every", "3", "--validation-fraction", "0.1",
                "--target-accuracy", "0.5");
        assertEquals(0, r.exitCode(), r.err());
        List<JsonNode> evals = new ArrayList<>();
        List<JsonNode> targets = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            String type = n.get("type").asText();
            if (type.equals("eval")) {
                evals.add(n);
            } else if (type.equals("target_reached")) {
                targets.add(n);
            }
        }
        assertFalse(evals.isEmpty());
        for (int i = 0; i < evals.size(); i++) {
            assertEquals(3L * (i + 1) - 1, evals.get(i).get("step").asLong(), "validation after every 3 steps");
            assertEquals(i == evals.size() - 1, evals.get(i).get("accuracy").asDouble() >= 0.5,
                    "training stops after the first evaluation that reaches the target");
        }
        assertEquals(1, targets.size());
        JsonNode t = targets.get(0);
        JsonNode last = evals.get(evals.size() - 1);
        assertEquals(last.get("step").asLong(), t.get("step").asLong());
        assertEquals(last.get("step").asLong() + 1, t.get("steps").asLong());
        assertEquals(64 * t.get("steps").asLong(), t.get("examples").asLong());

        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(3, run.at("/config/evalEvery").asLong());
        assertEquals(0.5, run.at("/config/targetAccuracy").asDouble());
        assertEquals("target_reached", run.at("/result/outcome").asText());
        assertEquals(t.get("steps").asLong(), run.at("/result/steps").asLong());
        assertEquals(t.get("steps").asLong(), run.at("/result/target_reached/steps").asLong());
    }
}
