package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The large-batch flags through the real CLI on the committed MNIST subset (6,000 training images,
 * MLP, B = 64, P = 2 on local[2]): divergence halt (exit 3) and rollback, the help text, and bad input.
 *
 * <p>Measured on this subset: under a far too high SGD rate the MLP's loss saturates around 21.6
 * (softmax probabilities clipped by DL4J's MCXENT), below 10 × the first loss 2.41, so a factor of 10
 * never fires; the tests set {@code --divergence-factor} explicitly, independent of the default. SGD at lr 1 gives losses 2.41,
 * 4.10, 4.34, 6.23: with factor 2 (threshold 4.82) step 3 diverges. A constant warmup at 0.1 for 5
 * steps, then lr 20, with factor 5 diverges right after the jump and recovers after two rollbacks
 * (lr 2, then 0.2).
 */
class LargeBatchCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static CliRunner train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--no-progress", "--master", "local[2]", "--workers", "2",
                "--global-batch", "64", "--no-eval-train", "--out", out.toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    static List<JsonNode> lines(Path run, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(l);
            if (n.path("type").asText().equals(type)) {
                out.add(n);
            }
        }
        return out;
    }

    private static float[] modelParams(Path run) throws IOException {
        Path zip = run.resolve("model.zip");
        assertTrue(Files.exists(zip), "model.zip missing in " + run);
        return MultiLayerNetwork.load(zip.toFile(), false).params().toFloatVector();
    }

    private static List<String> nonEmptyLines(String s) {
        return s.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void divergenceHaltsWithExitCode3AndKeepsTheLastGoodModel() throws IOException {
        Path out = tmp.resolve("diverged");
        String[] setup = {"--optimizer", "sgd", "--lr", "1", "--divergence-factor", "2"};
        CliRunner r = train(out, concat(setup, "--steps", "12"));
        assertEquals(Main.EXIT_DIVERGED, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());

        List<JsonNode> divergences = lines(out, "divergence");
        assertEquals(1, divergences.size(), "one divergence line");
        JsonNode d = divergences.get(0);
        long step = d.get("step").asLong();
        long restored = d.get("restored_step").asLong();
        System.out.printf("CLI halt: diverged at step %d (%s), last good model after %d steps%n", step,
                d.get("reason").asText(), restored);
        assertEquals("halt", d.get("action").asText());
        assertEquals(64, d.get("global_batch").asInt());
        assertTrue(step >= 2, "needs a few good steps before the divergence: " + d);
        assertEquals(step - 1, restored, "the last good state is the one whose loss was accepted");
        assertEquals(step, lines(out, "step").size(), "steps 0.." + (step - 1) + " were applied");

        List<String> err = nonEmptyLines(r.err());
        assertEquals(1, err.size(), r.err());
        String line = err.get(0);
        assertTrue(line.startsWith("lockstep: training diverged at step " + step + ":"), line);
        assertTrue(line.contains("loss " + String.format(java.util.Locale.ROOT, "%.4g", d.get("loss").asDouble())), line);
        assertTrue(line.contains("lr 1.000") && line.contains("B=64"), line);

        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("diverged", run.at("/result/outcome").asText());
        assertEquals(restored, run.at("/result/steps").asLong());
        float[] kept = modelParams(out);
        for (float p : kept) {
            assertTrue(Float.isFinite(p));
        }

        Path shorter = tmp.resolve("shorter");
        CliRunner again = train(shorter, concat(setup, "--steps", Long.toString(restored)));
        assertEquals(0, again.exitCode(), again.err());
        assertArrayEquals(modelParams(shorter), kept, "model.zip of the halted run = a run of " + restored + " steps");
    }

    @Test
    void rollbackRecoversAndCompletes() throws IOException {
        Path out = tmp.resolve("rollback");
        CliRunner r = train(out, "--optimizer", "sgd", "--lr", "20", "--warmup", "constant", "--warmup-steps", "5",
                "--warmup-start-lr", "0.1", "--divergence-factor", "5", "--on-divergence", "rollback",
                "--rollback-lr-factor", "0.1", "--max-rollbacks", "5", "--steps", "12");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        List<JsonNode> divergences = lines(out, "divergence");
        System.out.printf("CLI rollback: %d divergence line(s), final lr factor %s%n", divergences.size(),
                divergences.isEmpty() ? "-" : divergences.get(divergences.size() - 1).get("lr_factor"));
        assertFalse(divergences.isEmpty(), "at least one rollback");
        for (JsonNode d : divergences) {
            assertEquals("rollback", d.get("action").asText(), d.toString());
        }
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("completed", run.at("/result/outcome").asText());
        assertEquals(12, run.at("/result/steps").asLong());
        assertEquals(divergences.size(), run.at("/result/divergences").asInt());
        List<JsonNode> steps = lines(out, "step");
        assertEquals(11, steps.get(steps.size() - 1).get("step").asLong());
        for (float p : modelParams(out)) {
            assertTrue(Float.isFinite(p));
        }
    }

    @Test
    void helpDocumentsEveryLargeBatchFlagWithItsDefault() {
        String usage = new CommandLine(new Main()).getSubcommands().get("train")
                .getUsageMessage(CommandLine.Help.Ansi.OFF);
        Map<String, String> blocks = optionBlocks(usage);
        for (String flag : List.of("--lr-scaling", "--reference-batch", "--schedule", "--warmup", "--warmup-steps",
                "--warmup-epochs", "--warmup-start-lr", "--micro-batch", "--clip-norm", "--on-divergence",
                "--divergence-factor", "--max-rollbacks", "--rollback-lr-factor", "--validation-fraction",
                "--early-stopping-patience", "--optimizer", "--trust-coefficient")) {
            String block = blocks.get(flag);
            assertNotNull(block, flag + " is not in train --help:\n" + usage);
            assertTrue(block.contains("Default"), flag + " does not state its default: " + block);
        }
        String optimizer = blocks.get("--optimizer");
        assertTrue(optimizer.contains("lars") && optimizer.contains("lamb"), optimizer);
        assertTrue(blocks.get("--lr-scaling").contains("linear") && blocks.get("--lr-scaling").contains("sqrt"));
        assertTrue(blocks.get("--on-divergence").contains("halt") && blocks.get("--on-divergence").contains("rollback"));
    }

    /** Option name -> its usage text (the option line plus its wrapped description lines), whitespace collapsed. */
    private static Map<String, String> optionBlocks(String usage) {
        Map<String, String> blocks = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : usage.split("\\R")) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("^\\s{0,8}(?:-\\w, )?(--[a-z0-9-]+|--\\[no-][a-z0-9-]+)").matcher(line);
            if (m.find()) {
                if (current != null) {
                    blocks.put(current, text.toString().replaceAll("\\s+", " "));
                }
                current = m.group(1).replace("[no-]", "");
                text.setLength(0);
            }
            text.append(' ').append(line);
        }
        if (current != null) {
            blocks.put(current, text.toString().replaceAll("\\s+", " "));
        }
        return blocks;
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of(List.of("--lr-scaling", "cubic"), List.of("--lr-scaling", "cubic", "linear")),
                Arguments.of(List.of("--warmup-steps", "5", "--warmup-epochs", "1"), List.of("--warmup-steps", "--warmup-epochs")),
                Arguments.of(List.of("--micro-batch", "-1"), List.of("--micro-batch", "-1")),
                Arguments.of(List.of("--validation-fraction", "1.5"), List.of("--validation-fraction", "1.5")),
                Arguments.of(List.of("--early-stopping-patience", "2"), List.of("--early-stopping-patience", "--validation-fraction")),
                Arguments.of(List.of("--schedule", "step"), List.of("--step-every")),
                Arguments.of(List.of("--on-divergence", "retry"), List.of("--on-divergence", "retry", "rollback")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputIsOneUsageLineNamingTheFlag(List<String> args, List<String> fragments) throws IOException {
        Path out = tmp.resolve("bad");
        CliRunner r = train(out, concat(args.toArray(String[]::new), "--steps", "5"));
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        List<String> err = nonEmptyLines(r.err());
        System.out.println("CLI " + String.join(" ", args) + " -> exit " + r.exitCode() + ": " + r.err().strip());
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).startsWith("lockstep: "), err.get(0));
        for (String f : fragments) {
            assertTrue(err.get(0).contains(f), "expected '" + f + "' in: " + err.get(0));
        }
        assertTrue(!Files.exists(out) || isEmpty(out), "nothing may be written to --out on bad input");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
