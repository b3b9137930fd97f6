package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep train --step-transport channel} writes the same metrics.jsonl as the default job transport,
 * except for timings: every step's loss, learning rate, gradient norm, update ratios and noise estimates and every
 * evaluation are equal, and each step line keeps the per-step breakdown fields.
 */
class StepTransportCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void channelAndJobTransportsWriteTheSameMetrics() throws Exception {
        CliRunner job = train("job");
        CliRunner channel = train("channel");
        assertEquals(0, job.exitCode(), job.err());
        assertEquals(0, channel.exitCode(), channel.err());
        List<JsonNode> a = withoutTimings(tmp.resolve("job"));
        List<JsonNode> b = withoutTimings(tmp.resolve("channel"));
        assertEquals(30, a.stream().filter(n -> n.get("type").asText().equals("step")).count(), "step lines");
        assertTrue(a.stream().filter(n -> n.get("type").asText().equals("eval")).count() >= 3, "evaluations every 10 steps");
        assertEquals(a, b);
        assertEquals("job", JSON.readTree(tmp.resolve("job").resolve("run.json").toFile()).path("step_transport").asText());
        JsonNode channelRun = JSON.readTree(tmp.resolve("channel").resolve("run.json").toFile());
        assertEquals("channel", channelRun.path("step_transport").asText());
        assertEquals(600, channelRun.path("step_timeout_s").asLong());
        JsonNode step = JSON.readTree(Files.readAllLines(tmp.resolve("channel").resolve("metrics.jsonl")).get(0));
        for (String field : List.of("broadcast_ms", "job_ms", "slowest_task_ms", "aggregate_ms", "update_ms", "overhead_ms")) {
            assertTrue(step.has(field), "step line lacks " + field + ": " + step);
        }
    }

    private CliRunner train(String transport) {
        return CliRunner.run("train", "--no-progress", "--master", "local[2]", "--workers", "2",
                "--global-batch", "64", "--steps", "30", "--eval-every", "10", "--step-transport", transport,
                "--checkpoint-every", "0", "--out", tmp.resolve(transport).toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString(),
                "--test-images", TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz").toString(),
                "--test-labels", TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz").toString());
    }

    /** The step and eval lines of a run's metrics.jsonl without the fields that are times. */
    private static List<JsonNode> withoutTimings(Path run) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            String type = n.path("type").asText("step");
            if (!type.equals("step") && !type.equals("eval")) {
                continue;
            }
            ObjectNode o = (ObjectNode) n;
            List<String> times = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (f.endsWith("_ms") || f.endsWith("_s") || f.contains("time") || f.contains("seconds")) {
                    times.add(f);
                }
            }
            o.remove(times);
            lines.add(o);
        }
        return lines;
    }
}
