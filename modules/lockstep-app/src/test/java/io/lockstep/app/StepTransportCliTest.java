package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code lockstep train}'s default transport ({@code auto}: here the channel) writes the same metrics.jsonl as
 * {@code --step-transport job}, except for timings: every step's loss, learning rate, gradient norm, update ratios
 * and noise estimates and every evaluation are equal, and each step line keeps the per-step breakdown fields.
 * Where the channel cannot run, {@code auto} uses the job transport and says why; {@code channel} is refused.
 */
class StepTransportCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theDefaultChannelAndTheJobTransportWriteTheSameMetrics() throws Exception {
        CliRunner job = train("job", "local[2]", 30, "--step-transport", "job");
        CliRunner channel = train("channel", "local[2]", 30);
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
        assertEquals("auto", channelRun.path("step_transport_requested").asText());
        assertTrue(channel.out().contains("step transport channel (auto; one long-running Spark job; step timeout 600 s)"),
                channel.out());
        JsonNode step = JSON.readTree(Files.readAllLines(tmp.resolve("channel").resolve("metrics.jsonl")).get(0));
        for (String field : List.of("broadcast_ms", "job_ms", "slowest_task_ms", "aggregate_ms", "update_ms", "overhead_ms")) {
            assertTrue(step.has(field), "step line lacks " + field + ": " + step);
        }
    }

    @Test
    void withFewerLocalTaskSlotsThanWorkersAutoUsesJobAndSaysWhyAndChannelIsRefused() throws Exception {
        CliRunner auto = train("auto-1", "local[1]", 2, "--step-transport", "auto");
        assertEquals(0, auto.exitCode(), auto.err());
        String why = "2 partitions need 2 task slots, master local[1] has 1";
        assertTrue(auto.out().contains("step transport job (auto, because " + why + "; one Spark job per step)"),
                auto.out());
        JsonNode run = JSON.readTree(tmp.resolve("auto-1").resolve("run.json").toFile());
        assertEquals("job", run.path("step_transport").asText());
        assertEquals("auto", run.path("step_transport_requested").asText());
        assertEquals(why, run.path("step_transport_reason").asText());
        assertTrue(run.path("step_timeout_s").isMissingNode(), "no channel, no step timeout: " + run);

        CliRunner channel = train("channel-1", "local[1]", 2, "--step-transport", "channel");
        assertEquals(2, channel.exitCode(), channel.out() + channel.err());
        assertEquals("lockstep: invalid option: step transport channel: " + why + "; use step transport job (or auto,"
                + " which falls back to it)", channel.err().strip());
        assertFalse(Files.exists(tmp.resolve("channel-1").resolve("metrics.jsonl")), "refused before training");
    }

    /** A 2-worker run of {@code steps} steps on {@code master} into {@code tmp/dir}, with {@code more} options. */
    private CliRunner train(String dir, String master, int steps, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--no-progress", "--master", master, "--workers", "2",
                "--global-batch", "64", "--steps", String.valueOf(steps), "--eval-every", "10",
                "--checkpoint-every", "0", "--out", tmp.resolve(dir).toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString(),
                "--test-images", TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz").toString(),
                "--test-labels", TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz").toString()));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
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
