package io.lockstep.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lockstep.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A real Spark standalone cluster on this machine — master and two one-core workers started by
 * {@code deploy/standalone/start-cluster.sh}, executors in their own JVMs — and training submitted
 * through {@code deploy/submit.sh} with the shaded jar, exactly as a user would:
 *
 * <ul>
 *   <li>the model trained on the cluster equals the same run in local mode (in-process, {@code local[2]});</li>
 *   <li>{@code kill -9} of an executor in the middle of a run: the lost partition is rebuilt from lineage,
 *       the step's tasks are retried, and the run ends with the same parameters as a fault-free run.</li>
 * </ul>
 *
 * Runs with {@code mvn verify} (maven-failsafe-plugin), after the shaded jar is built. Everything binds to
 * 127.0.0.1 on ports the OS picks; the cluster is stopped in {@link #stopCluster()} (and by a shutdown hook).
 */
class StandaloneClusterIT {
    static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(10);
    /** Relative (norm-wise) tolerance for "the same parameters". */
    static final double TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;

    static Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = Cluster.start(tmp.resolve("cluster"), 2, Map.of());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void clusterRunEqualsLocalRun() throws Exception {
        List<String> train = trainArgs(20);
        Path clusterOut = tmp.resolve("a-cluster");
        Proc submitted = Proc.run(tmp.resolve("a-submit.log"), SUBMIT_TIMEOUT, Map.of(),
                submitCommand(cluster.masterUrl(), train, clusterOut));
        assertEquals(0, submitted.exitCode(), "submission failed:\n" + submitted.tail(40));

        Path localOut = tmp.resolve("a-local");
        long start = System.nanoTime();
        List<String> local = new ArrayList<>(train); // the cluster run's default transport vs one job per step here
        local.addAll(List.of("--step-transport", "job"));
        runLocally(local, localOut);
        double localSeconds = (System.nanoTime() - start) / 1e9;

        Diff d = Diff.of(clusterOut.resolve("model.zip"), localOut.resolve("model.zip"));
        String used = new com.fasterxml.jackson.databind.ObjectMapper().readTree(clusterOut.resolve("run.json").toFile())
                .path("step_transport").asText();
        System.out.printf("[cluster IT] a) 20 steps, P=2, B=64: cluster (submit.sh, step transport %s, %.1f s) vs local[2]"
                + " (in-process, job, %.1f s): relative error %s, max |diff| %.3g over %,d params%n", used,
                submitted.seconds(), localSeconds, d.describeRelative(), d.maxAbs(), d.count());
        assertEquals(20, countSteps(clusterOut));
        assertEquals("channel", used, "auto on a cluster with a free slot per worker (it waits for the executors)");
        assertTrue(d.relative() <= TOLERANCE, "cluster and local parameters differ: " + d);
    }

    @Test
    void killedExecutorIsRecoveredWithIdenticalResult() throws Exception {
        killedExecutorRun("b", List.of("--step-transport", "job"));
    }

    /**
     * The same with the step channel: the killed executor's long-running channel task is lost with its connection,
     * Spark runs a new attempt (on the executor the worker starts instead), it registers, the driver re-sends the
     * current step, and the run ends where the fault-free run ends.
     */
    @Test
    void killedExecutorUnderTheStepChannelIsRecoveredWithIdenticalResult() throws Exception {
        killedExecutorRun("c", List.of("--step-transport", "channel", "--step-timeout", "300"));
    }

    private void killedExecutorRun(String label, List<String> extra) throws Exception {
        List<String> train = new ArrayList<>(trainArgs(150));
        train.addAll(List.of("--checkpoint-every", "0"));
        train.addAll(extra);
        Path clusterOut = tmp.resolve(label + "-cluster");
        Proc submission = Proc.start(tmp.resolve(label + "-submit.log"), Map.of(),
                submitCommand(cluster.masterUrl(), train, clusterOut));
        long killedAtStep;
        ProcessHandle victim;
        String victimId;
        try {
            killedAtStep = awaitSteps(clusterOut, 5, submission, Duration.ofMinutes(5));
            victim = cluster.executors().stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no executor JVM under the workers " + cluster.workerPids()));
            victimId = Cluster.executorId(victim);
            System.out.printf("[cluster IT] %s) kill -9 executor %s (pid %d) after %d logged steps%n", label, victimId,
                    victim.pid(), killedAtStep);
            Proc kill = Proc.run(tmp.resolve(label + "-kill.log"), Duration.ofSeconds(30), Map.of(),
                    List.of("kill", "-9", Long.toString(victim.pid())));
            assertEquals(0, kill.exitCode(), kill.output());
            assertTrue(victim.onExit().get(30, TimeUnit.SECONDS) != null && !victim.isAlive());
        } catch (Throwable t) {
            submission.destroyTree();
            throw t;
        }
        submission.await(SUBMIT_TIMEOUT);
        assertEquals(0, submission.exitCode(), "the run did not survive the lost executor:\n" + submission.tail(60));
        assertEquals(150, countSteps(clusterOut));
        assertTrue(killedAtStep < 150, "the executor must die while the run is still training");
        String workerLogs = cluster.workerLogs();
        assertTrue(workerLogs.contains("exitStatus 137"), "no worker saw an executor exit with 137 (SIGKILL)");
        String driverLog = submission.output();
        assertTrue(driverLog.contains("Lost executor " + victimId), "the driver did not notice the lost executor:\n"
                + submission.tail(60));
        long lostTasks = driverLog.lines().filter(l -> l.contains("Lost task")).count();
        long lostBlocks = driverLog.lines().filter(l -> l.contains("No more replicas available for rdd_")).count();

        Path localOut = tmp.resolve(label + "-local");
        runLocally(train, localOut);
        Diff d = Diff.of(clusterOut.resolve("model.zip"), localOut.resolve("model.zip"));
        System.out.printf("[cluster IT] %s) 150 steps, executor %s killed after step %d (%d task(s) lost and retried, %d cached"
                + " partition(s) lost and rebuilt; %.1f s): vs fault-free local[2] run relative error %s, max |diff| %.3g%n",
                label, victimId, killedAtStep, lostTasks, lostBlocks, submission.seconds(), d.describeRelative(), d.maxAbs());
        assertTrue(d.relative() <= TOLERANCE, "parameters after the recovered run differ from the fault-free run: " + d);
    }

    // ---------------------------------------------------------------------------------------------
    // helpers shared with the other cluster ITs

    static Path root() {
        return Path.of(System.getProperty("lockstep.root", "../..")).toAbsolutePath().normalize();
    }

    static Path subset(String file) {
        try {
            return Path.of(StandaloneClusterIT.class.getResource("/mnist-subset/" + file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The train options of every cluster IT run: the committed MNIST subset, P=2, B=64. */
    static List<String> trainArgs(int steps) {
        return List.of("train", "--workers", "2", "--global-batch", "64", "--steps", Integer.toString(steps),
                "--no-progress", "--no-eval-train",
                "--train-images", subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", subset("train-labels-idx1-ubyte.gz").toString(),
                "--test-images", subset("t10k-images-idx3-ubyte.gz").toString(),
                "--test-labels", subset("t10k-labels-idx1-ubyte.gz").toString());
    }

    static List<String> submitCommand(String master, List<String> train, Path out) {
        List<String> cmd = new ArrayList<>(List.of(root().resolve("deploy/submit.sh").toString(), master));
        cmd.addAll(train);
        cmd.addAll(List.of("--out", out.toString()));
        return cmd;
    }

    /** The same training in local mode, in this JVM, through the CLI entry point. */
    static void runLocally(List<String> train, Path out) {
        List<String> args = new ArrayList<>(train);
        args.addAll(List.of("--master", "local[2]", "--out", out.toString()));
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(0, code, "local run failed: " + err);
    }

    static long countSteps(Path runDir) throws IOException {
        Path metrics = runDir.resolve("metrics.jsonl");
        if (!Files.exists(metrics)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(metrics)) {
            return lines.filter(l -> l.contains("\"type\":\"step\"")).count();
        }
    }

    /** Waits until the run has logged at least {@code steps} steps; returns how many it had. */
    static long awaitSteps(Path runDir, long steps, Proc running, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long n = countSteps(runDir);
            if (n >= steps) {
                return n;
            }
            if (!running.isAlive()) {
                fail("the submission ended (exit " + running.exitCode() + ") before step " + steps + ":\n" + running.tail(40));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no step " + steps + " within " + timeout + ":\n" + running.tail(40));
    }

    /** Norm-wise relative and max absolute difference of two saved models' flat parameter vectors. */
    record Diff(double relative, double maxAbs, long count) {
        static Diff of(Path actual, Path expected) throws IOException {
            double[] a = params(actual);
            double[] b = params(expected);
            assertEquals(b.length, a.length, "parameter count");
            double num = 0;
            double den = 0;
            double max = 0;
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                num += d * d;
                den += b[i] * b[i];
                max = Math.max(max, Math.abs(d));
            }
            return new Diff(Math.sqrt(num) / Math.sqrt(den), max, a.length);
        }

        String describeRelative() {
            return relative == 0 ? "0 (bit-identical)" : String.format("%.3g", relative);
        }

        private static double[] params(Path modelZip) throws IOException {
            assertTrue(Files.exists(modelZip), "missing " + modelZip);
            MultiLayerNetwork net = MultiLayerNetwork.load(modelZip.toFile(), false);
            return net.params().castTo(DataType.DOUBLE).toDoubleVector();
        }
    }

    /** A process started by a test, with stdout+stderr in a log file (never a pipe that could fill up). */
    static final class Proc {
        private final Process process;
        private final Path log;
        private final long startNanos = System.nanoTime();
        private long endNanos;

        private Proc(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Proc start(Path log, Map<String, String> env, List<String> command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.directory(log.getParent().toFile());
            Map<String, String> e = pb.environment();
            // secrets reach a child only when a test passes them explicitly
            e.remove("LOCKSTEP_SPARK_SECRET");
            e.remove("LOCKSTEP_SPARK_SECRET_FILE");
            e.remove("LOCKSTEP_SPARK_CRYPTO");
            e.put("SPARK_LOCAL_IP", "127.0.0.1");
            e.putAll(env);
            return new Proc(pb.start(), log);
        }

        /** Starts and waits; on timeout the process tree is destroyed and the result says so. */
        static Proc run(Path log, Duration timeout, Map<String, String> env, List<String> command) throws Exception {
            Proc p = start(log, env, command);
            p.await(timeout);
            return p;
        }

        void await(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree();
                throw new AssertionError("timed out after " + timeout + ": " + process.info().commandLine().orElse("?")
                        + "\n" + tail(40));
            }
            endNanos = System.nanoTime();
        }

        /** Like {@link #await} but reports a timeout instead of failing; true if the process ended. */
        boolean awaitOrKill(Duration timeout) throws InterruptedException {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                endNanos = System.nanoTime();
                return true;
            }
            destroyTree();
            endNanos = System.nanoTime();
            return false;
        }

        /** Kills this process and everything it started (descendants first). */
        void destroyTree() {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        int exitCode() {
            return process.exitValue();
        }

        double seconds() {
            return ((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos) / 1e9;
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String tail(int lines) {
            List<String> all = output().lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
    }

    /** A cluster started with deploy/standalone/start-cluster.sh; {@link #close()} runs stop-cluster.sh. */
    static final class Cluster implements AutoCloseable {
        private final Path state;
        private final String masterUrl;
        private final List<Long> daemonPids;
        /** Handles taken at start: they remember the start time, so a recycled pid is never signalled. */
        private final List<ProcessHandle> daemons;
        private final Thread shutdownHook;
        private boolean closed;

        private Cluster(Path state, String masterUrl, List<Long> daemonPids) {
            this.state = state;
            this.masterUrl = masterUrl;
            this.daemonPids = daemonPids;
            this.daemons = daemonPids.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
            this.shutdownHook = new Thread(this::killDaemons, "stop lockstep test cluster");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }

        /** Starts a master and {@code workers} workers on OS-chosen ports, state (logs, pids) in {@code state}. */
        static Cluster start(Path state, int workers, Map<String, String> extraEnv) throws Exception {
            Files.createDirectories(state);
            Map<String, String> env = new HashMap<>(extraEnv);
            env.put("LOCKSTEP_CLUSTER_DIR", state.toString());
            env.put("LOCKSTEP_MASTER_PORT", "0");
            env.put("LOCKSTEP_MASTER_WEBUI_PORT", "0");
            env.put("LOCKSTEP_WORKER_MEMORY", "2g");
            env.put("LOCKSTEP_CLUSTER_TIMEOUT", "180");
            Path log = state.getParent().resolve(state.getFileName() + "-start.log");
            Proc p;
            try {
                p = Proc.run(log, Duration.ofMinutes(5), env,
                        List.of(root().resolve("deploy/standalone/start-cluster.sh").toString(), Integer.toString(workers)));
            } catch (AssertionError | Exception e) {
                stopQuietly(state);
                throw e;
            }
            List<Long> pids = readPids(state);
            if (p.exitCode() != 0) {
                stopQuietly(state);
                throw new AssertionError("start-cluster.sh failed (exit " + p.exitCode() + "):\n" + p.tail(40));
            }
            List<String> out = p.output().lines().toList();
            String url = out.get(out.size() - 1).trim();
            if (!url.matches("spark://127\\.0\\.0\\.1:\\d+")) {
                stopQuietly(state);
                throw new AssertionError("last line of start-cluster.sh is not a master URL: '" + url + "'");
            }
            assertEquals(workers + 1, pids.size(), "pid files: " + pids);
            System.out.printf("[cluster IT] %d-worker cluster %s up in %.1f s%n", workers, url, p.seconds());
            return new Cluster(state, url, pids);
        }

        String masterUrl() {
            return masterUrl;
        }

        Path state() {
            return state;
        }

        List<Long> daemonPids() {
            return daemonPids;
        }

        List<Long> workerPids() {
            try (Stream<Path> files = Files.list(state)) {
                return files.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.pid"))
                        .sorted().map(Cluster::readPid).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Executor JVMs whose parent is one of this cluster's workers. */
        List<ProcessHandle> executors() {
            return workerPids().stream().map(ProcessHandle::of).flatMap(Optional::stream)
                    .flatMap(ProcessHandle::children)
                    .filter(h -> h.info().arguments().map(Arrays::asList)
                            .map(a -> a.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")).orElse(false))
                    .toList();
        }

        static String executorId(ProcessHandle executor) {
            List<String> args = executor.info().arguments().map(Arrays::asList).orElse(List.of());
            int i = args.indexOf("--executor-id");
            return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : "?";
        }

        String workerLogs() throws IOException {
            StringBuilder sb = new StringBuilder();
            try (Stream<Path> files = Files.list(state)) {
                for (Path f : files.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.log")).toList()) {
                    sb.append(Files.readString(f, StandardCharsets.UTF_8));
                }
            }
            return sb.toString();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            stopQuietly(state);
            killDaemons();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            for (ProcessHandle h : daemons) {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // reported below
                }
                assertFalse(h.isAlive(), "daemon " + h.pid() + " still running");
            }
        }

        /** Last resort (stop-cluster.sh failed, or the JVM is exiting): SIGKILL the recorded daemons and their executors. */
        private void killDaemons() {
            for (ProcessHandle h : daemons) {
                if (h.isAlive()) {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                }
            }
        }

        private static void stopQuietly(Path state) {
            try {
                Map<String, String> env = Map.of("LOCKSTEP_CLUSTER_DIR", state.toString(), "LOCKSTEP_STOP_TIMEOUT", "20");
                Proc p = Proc.start(state.getParent().resolve(state.getFileName() + "-stop.log"), env,
                        List.of(root().resolve("deploy/standalone/stop-cluster.sh").toString()));
                if (!p.awaitOrKill(Duration.ofMinutes(1)) || p.exitCode() != 0) {
                    System.err.println("[cluster IT] stop-cluster.sh failed:\n" + p.tail(20));
                }
            } catch (Exception e) {
                System.err.println("[cluster IT] stop-cluster.sh failed: " + e);
            }
        }

        private static List<Long> readPids(Path state) throws IOException {
            try (Stream<Path> files = Files.list(state)) {
                return files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().map(Cluster::readPid).toList();
            }
        }

        private static long readPid(Path file) {
            try {
                return Long.parseLong(Files.readString(file).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
