package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT and SIGTERM sent with {@code kill} to a real {@code lockstep train} JVM (the app's main class,
 * started with the launcher's JVM flags, as {@code bin/lockstep} does) on the committed MNIST subset, once
 * it has logged a few steps: the process stops after its current step with exit code 130 / 143, its
 * console shows the stop line and one "interrupted after step N; resume with: ..." line and no stack
 * trace, run.json says outcome {@code interrupted} after N steps, model.zip loads in plain DL4J and holds
 * the parameters of an N-step run, and {@code --resume} (checkpoints are on by default) continues to the
 * parameters of the uninterrupted run, bit for bit; {@code report} shows the outcome. The runs are long (many small steps) so the signal
 * lands mid-run; nothing depends on how fast a step is.
 */
class InterruptCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TOTAL_STEPS = 80;
    private static final Pattern INTERRUPTED = Pattern.compile(
            "(?m)^interrupted after step (\\d+); resume with: lockstep train --resume (.+)$");

    @TempDir
    static Path tmp;

    /** Parameters of the uninterrupted run of the same spec (in-process). */
    private static float[] uninterrupted;

    @BeforeAll
    static void uninterruptedRun() throws IOException {
        Path full = tmp.resolve("full");
        CliRunner r = CliRunner.run(trainArgs(full, TOTAL_STEPS).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        uninterrupted = params(full);
    }

    @Test
    void sigintStopsAfterTheStepAndResumesToTheUninterruptedParameters() throws Exception {
        Path run = tmp.resolve("sigint");
        long steps = interrupt(run, "INT", 130);

        Path shorter = tmp.resolve("short");
        CliRunner reference = CliRunner.run(trainArgs(shorter, steps).toArray(String[]::new));
        assertEquals(0, reference.exitCode(), reference.err());
        assertArrayEquals(params(shorter), params(run), "model.zip holds the parameters after step " + steps);

        assertResumesToUninterrupted(run);
    }

    @Test
    void sigtermStopsAfterTheStepAndResumesToTheUninterruptedParameters() throws Exception {
        Path run = tmp.resolve("sigterm");
        interrupt(run, "TERM", 143);

        Path html = tmp.resolve("sigterm-report.html");
        CliRunner report = CliRunner.run("report", run.toString(), "--out", html.toString());
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(Files.readString(html).contains("<b>interrupted</b><span>outcome</span>"), "report shows the outcome");

        assertResumesToUninterrupted(run);
    }

    /**
     * Starts the run in a child JVM, sends {@code signal} once it has logged 3 steps, and checks exit code,
     * console, run.json, metrics.jsonl and model.zip; returns the steps done.
     */
    private static long interrupt(Path run, String signal, int exitCode) throws Exception {
        Path console = tmp.resolve(run.getFileName() + ".console");
        Process p = start(trainArgs(run, TOTAL_STEPS), console);
        try {
            awaitSteps(run.resolve("metrics.jsonl"), 3, p, console);
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the run did not stop after SIG" + signal);
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(console, StandardCharsets.UTF_8);
        assertEquals(exitCode, p.exitValue(), out);
        assertFalse(out.contains("\tat ") || out.contains("Exception") || out.contains("ERROR"),
                "no stack trace or error: " + out);
        assertEquals(1, count(out, "lockstep: stopping after the current step"), out);
        Matcher m = INTERRUPTED.matcher(out);
        assertTrue(m.find(), "one 'interrupted after step N; resume with: ...' line: " + out);
        assertFalse(m.find(), "only one: " + out);
        long steps = Long.parseLong(INTERRUPTED.matcher(out).results().findFirst().orElseThrow().group(1));
        assertEquals(run.toString(), INTERRUPTED.matcher(out).results().findFirst().orElseThrow().group(2));
        assertTrue(steps >= 3 && steps < TOTAL_STEPS, "stopped mid-run: " + steps);

        JsonNode result = JSON.readTree(run.resolve("run.json").toFile()).path("result");
        assertEquals("interrupted", result.path("outcome").asText(), result.toString());
        assertEquals(steps, result.path("steps").asLong());
        assertEquals(steps, stepLines(run.resolve("metrics.jsonl")), "metrics.jsonl has every completed step");
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(run.resolve("model.zip").toFile(), false);
        assertEquals(uninterrupted.length, net.numParams());
        return steps;
    }

    private static void assertResumesToUninterrupted(Path run) throws IOException {
        CliRunner resumed = CliRunner.run("train", "--resume", run.toString(), "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals("completed", JSON.readTree(run.resolve("run.json").toFile()).path("result").path("outcome").asText());
        assertEquals(TOTAL_STEPS, stepLines(run.resolve("metrics.jsonl")));
        assertArrayEquals(uninterrupted, params(run), "the resumed run must end with the uninterrupted run's parameters");
    }

    // ---------------------------------------------------------------------------------------------

    /** Many small steps on the subset: B = 16 over 2 workers; checkpoints at their default. */
    private static List<String> trainArgs(Path out, long steps) {
        return new ArrayList<>(List.of("train", "--no-progress", "--workers", "2", "--master", "local[2]",
                "--no-eval-train", "--global-batch", "16", "--steps", Long.toString(steps), "--out", out.toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString()));
    }

    /** {@code java <the launcher's flags> -cp <test classpath> io.lockstep.app.Main args}, stdout and stderr to {@code console}. */
    private static Process start(List<String> args, Path console) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(sigintIgnored() ? restoringSigint() : List.of());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(launcherFlags());
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile());
        pb.environment().remove("LOCKSTEP_LAUNCHER");
        return pb.start();
    }

    /**
     * Whether SIGINT is ignored in this process (and so, inherited, in the child): a shell starts background
     * jobs that way, and the JVM then keeps it ignored, as it should. Linux: the SigIgn mask in /proc/self/status.
     */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:")).findFirst()
                .map(l -> (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << 1)) != 0).orElse(false);
    }

    /** A prefix that starts the child with SIGINT back at its default action (python3 resets it, then execs). */
    private static List<String> restoringSigint() {
        boolean python = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "python3")));
        org.junit.jupiter.api.Assumptions.assumeTrue(python, "SKIPPED: SIGINT is ignored in this"
                + " environment (started as a background job) and python3 is not there to restore it for the child");
        return List.of("python3", "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                + "os.execv(sys.argv[1], sys.argv[1:])");
    }

    /** The JVM flags bin/lockstep starts the CLI with (bin/lockstep-jvm-flags). */
    private static List<String> launcherFlags() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of("../../bin/lockstep-jvm-flags").toAbsolutePath().normalize().toString())
                .redirectErrorStream(true).start();
        String flags = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), flags);
        return Arrays.asList(flags.split("\\s+"));
    }

    /** Waits until metrics.jsonl has {@code n} step lines; fails with the console if the process ends first. */
    private static void awaitSteps(Path metrics, long n, Process p, Path console) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(metrics) || stepLines(metrics) < n) {
            if (!p.isAlive()) {
                throw new AssertionError("the run ended (exit " + p.exitValue() + ") before the signal:\n"
                        + Files.readString(console, StandardCharsets.UTF_8));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + n + " steps logged within 3 minutes:\n"
                        + Files.readString(console, StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
    }

    private static long stepLines(Path metrics) throws IOException {
        return Files.readAllLines(metrics).stream().filter(l -> l.contains("\"type\":\"step\"")).count();
    }

    private static long count(String text, String fragment) {
        return text.lines().filter(l -> l.contains(fragment)).count();
    }

    private static float[] params(Path run) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(run.resolve("model.zip").toFile(), false).params().toFloatVector();
    }
}
