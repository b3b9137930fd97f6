package io.lockstep.app.advise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockstep advise} through the real CLI entry point, on run directories with known step-time terms. */
class AdviseCommandTest {
    private static final long PARAMS = 100_000;
    private static final double C = 0.05;
    private static final double O = 20;
    private static final double K = 5e-5;
    private static final double U = 1e-6;

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    /** {@code lockstep advise ARGS} through {@link Main#run}. */
    static Result advise(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "advise";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static double trueStepMillis(int b, int p) {
        return C * Math.ceil((double) b / p) + O + K * PARAMS * p + U * PARAMS;
    }

    /** A run directory whose steady-state steps follow the true model; b_simple = 300, optional target line. */
    private Path run(String name, int b, int p, String... extra) throws IOException {
        return run(name, b, p, i -> 300.0, extra);
    }

    /** As above with b_simple at step i given by {@code bSimple} (null: not recorded). */
    private Path run(String name, int b, int p, IntFunction<Double> bSimple, String... extra) throws IOException {
        return run(name, b, p, O, null, bSimple, extra);
    }

    /**
     * A run directory whose steady-state steps follow the true model with fixed cost {@code fixed}, run.json's
     * step_transport {@code transport} (null: not recorded).
     */
    private Path run(String name, int b, int p, double fixed, String transport, IntFunction<Double> bSimple,
                     String... extra) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("run.json"), String.format(Locale.ROOT, "{%s\"derived\":{\"global_batch\":%d,"
                + "\"workers\":%d},\"model\":{\"params\":%d},\"spark\":{\"master\":\"local[%d]\"}}",
                transport == null ? "" : "\"step_transport\":\"" + transport + "\",", b, p, PARAMS, p));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double compute = C * Math.ceil((double) b / p) * (i < 50 ? 5 : 1);
            double comm = K * PARAMS * p;
            double update = U * PARAMS;
            lines.add(String.format(Locale.ROOT, "{\"type\":\"step\",\"step\":%d,\"b_simple\":%s,\"step_ms\":%f,"
                    + "\"broadcast_ms\":%f,\"job_ms\":%f,\"slowest_task_ms\":%f,\"aggregate_ms\":%f,\"update_ms\":%f}",
                    i, bSimple.apply(i), compute + fixed + comm + update, comm / 2, compute + fixed, compute, comm / 2,
                    update));
        }
        lines.addAll(List.of(extra));
        Files.write(dir.resolve("metrics.jsonl"), lines);
        return dir;
    }

    @Test
    void fitsPredictsAndValidatesAgainstMeasuredRuns() throws IOException {
        Path a = run("b1024-p1", 1024, 1);
        Path b = run("b1024-p2", 1024, 2);
        Path c = run("b4096-p4", 4096, 4);
        Path json = tmp.resolve("out/advice.json");
        Result r = advise(a.toString(), b.toString(), "--workers", "1,2,4", "--global-batch", "512,4096",
                "--json", json.toString(), "--validate", c.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ranking by time to a fixed target"), r.out());
        assertTrue(r.out().contains("mean |error| of the step time 0.0% over 1 held-out runs"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode model = root.path("step_time_model");
        assertEquals(C, model.path("compute_ms_per_example").path("1").asDouble(), 1e-9);
        assertEquals(C, model.path("compute_ms_per_example").path("2").asDouble(), 1e-9);
        assertEquals(O, model.path("fixed_ms").asDouble(), 1e-6);
        assertEquals(K, model.path("comm_ms_per_param_per_worker").asDouble(), 1e-12);
        assertEquals(6, root.path("predictions").size());
        for (JsonNode p : root.path("predictions")) {
            double expected = trueStepMillis(p.path("global_batch").asInt(), p.path("workers").asInt());
            assertEquals(expected, p.path("step_ms").asDouble(), 1e-6 * expected);
            assertTrue(p.path("wall_seconds_to_target").isNull());
        }
        assertEquals(trueStepMillis(4096, 4), root.path("validation").get(0).path("predicted_step_ms").asDouble(), 1e-6);
    }

    @Test
    void targetReachedGivesStepsAndWallTimeToTarget() throws IOException {
        Path a = run("b512-p2", 512, 2, "{\"type\":\"target_reached\",\"step\":399,\"steps\":400}");
        Path json = tmp.resolve("advice.json");
        Path b = run("b2048-p2", 2048, 2, "{\"type\":\"target_reached\",\"step\":199,\"steps\":200}");
        Result r = advise(a.toString(), "--workers", "1,2", "--global-batch", "256,512,4096", "--json", json.toString(),
                "--validate", b.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        double sMin = 400 / (1 + 300.0 / 512);
        assertEquals(sMin, root.path("steps_model").path("s_min").asDouble(), 1e-9);
        assertEquals(300, root.path("steps_model").path("b_crit").asDouble(), 1e-9);
        for (JsonNode p : root.path("predictions")) {
            int bs = p.path("global_batch").asInt();
            double steps = sMin * (1 + 300.0 / bs);
            assertEquals(steps, p.path("steps_to_target").asDouble(), 1e-9);
            assertEquals(steps * p.path("step_ms").asDouble() / 1000, p.path("wall_seconds_to_target").asDouble(), 1e-9);
            assertEquals(steps * bs, p.path("examples_to_target").asDouble(), 1e-6);
        }
        assertTrue(r.out().contains("<- fastest"), r.out());
        assertTrue(r.out().contains("<- cheapest") || r.out().contains("fastest, cheapest"), r.out());
        assertTrue(r.out().contains("executor-s"), r.out());
        double predicted = sMin * (1 + 300.0 / 2048);
        assertTrue(r.out().contains(String.format(Locale.ROOT, "%6d %6.0f %+7.1f%%", 200, predicted,
                100 * (predicted - 200) / 200)), r.out());
        JsonNode check = root.path("validation").get(0);
        assertEquals(200, check.path("measured_steps_to_target").asDouble());
        assertEquals(predicted, check.path("predicted_steps_to_target").asDouble(), 1e-9);
    }

    /** b_simple rising from 600 to ~1100: the advisor averages the last 20% (steps 160..199). */
    private static double rising(int step) {
        return 600 + 2.5 * step;
    }

    private static double risingTailMean() {
        return IntStream.range(160, 200).mapToDouble(AdviseCommandTest::rising).average().orElseThrow();
    }

    @Test
    void singleRunIsRankedByItsBSimpleNotByThroughput() throws IOException {
        Path a = run("one", 1024, 2, AdviseCommandTest::rising);
        Path json = tmp.resolve("advice.json");
        Result r = advise(a.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        String bNoise = String.format(Locale.ROOT, "B_noise = %.0f, the B_simple of %s (mean of its 40 values over"
                + " steps 160-199, range 1000-1098)", risingTailMean(), a.toAbsolutePath().normalize());
        assertTrue(r.out().contains(bNoise), "expected '" + bNoise + "' in: " + r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(risingTailMean(), root.path("noise_scale").path("b_noise").asDouble(), 1e-9);
        // the recommendation minimises predicted step time x (1 + B_noise/B) over the grid (goodput optimum)
        JsonNode best = null;
        for (JsonNode p : root.path("predictions")) {
            double wall = p.path("step_ms").asDouble() * (1 + risingTailMean() / p.path("global_batch").asInt());
            assertEquals(wall, p.path("wall_ms_per_s_min_step").asDouble(), 1e-9 * wall);
            if (best == null || wall < best.path("wall_ms_per_s_min_step").asDouble()) {
                best = p;
            }
        }
        assertEquals(best.path("global_batch").asInt(), root.path("fastest").path("global_batch").asInt());
        assertEquals(best.path("workers").asInt(), root.path("fastest").path("workers").asInt());
        int fastestB = root.path("fastest").path("global_batch").asInt();
        // fitted from one P: T = C*ceil(B/P) + t0 with t0 = O + 2*K*PARAMS + U*PARAMS for every P; the goodput
        // optimum sqrt(t0*P*B_noise/C) is at most ~2.1 B_simple (P = 8), so no grid point above the next one, 4096
        double t0 = O + 2 * K * PARAMS + U * PARAMS;
        double optimum = Math.sqrt(t0 * 8 * risingTailMean() / C);
        assertTrue(fastestB <= 4096 && optimum < 4096, "fastest B " + fastestB + " far above B_simple");
        assertTrue(root.path("cheapest").path("global_batch").asInt() <= 2 * risingTailMean(), r.out());
        assertTrue(r.out().contains(String.format(Locale.ROOT, "fastest: P=%d B=%d (%.2fx the minimal examples)",
                root.path("fastest").path("workers").asInt(), fastestB, 1 + fastestB / risingTailMean())), r.out());
    }

    @Test
    void withoutBSimpleTheOutputSaysItIsNotUsedAndRanksByThroughput() throws IOException {
        Path a = run("quiet", 1024, 2, i -> null);
        Path json = tmp.resolve("advice.json");
        Result r = advise(a.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no run recorded b_simple"), r.out());
        assertTrue(r.out().contains("B_simple is not used"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertTrue(root.path("noise_scale").isNull());
        assertEquals(16384, root.path("fastest").path("global_batch").asInt(),
                "ranked by throughput, the largest batch of the grid wins");
    }

    @Test
    void givenBCritWithoutTargetIsTheNoiseScale() throws IOException {
        Path a = run("given", 1024, 2, i -> null);
        Path json = tmp.resolve("advice.json");
        Result r = advise(a.toString(), "--b-crit", "2000", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("B_noise = 2000, the B_crit given (--b-crit)"), r.out());
        assertEquals(2000, new ObjectMapper().readTree(json.toFile()).path("noise_scale").path("b_noise").asDouble());
    }

    @Test
    void lowQuantileIsReportedAndUsed() throws IOException {
        Path a = run("b1024-p1", 1024, 1);
        Result r = advise(a.toString(), "--quantile", "0.1", "--workers", "1", "--global-batch", "1024",
                "--validate", a.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("p10 over 150 steps after 50 warm-up"), r.out());
        assertTrue(r.out().contains("validation: predicted vs measured p10 step time"), r.out());
        assertTrue(r.out().contains("0.0%  (fitted)"), r.out());
        assertTrue(r.out().contains("no held-out error"), r.out());
    }

    @Test
    void givenSMinAndBCritOverrideTheRun() throws IOException {
        Path a = run("b512-p2", 512, 2);
        Path json = tmp.resolve("advice.json");
        Result r = advise(a.toString(), "--s-min", "100", "--b-crit", "1000", "--global-batch", "1000",
                "--workers", "1", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(200, new ObjectMapper().readTree(json.toFile()).path("predictions").get(0).path("steps_to_target")
                .asDouble(), 1e-9);
    }

    private static void assertError(Result r, int code, String... fragments) {
        assertEquals(code, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
        }
    }

    @Test
    void missingRunDirectoriesAndFilesAreUsageErrors() throws IOException {
        assertError(advise(tmp.resolve("nope").toString()), Main.EXIT_USAGE, "nope", "does not exist");
        Path a = run("half", 512, 2);
        Files.delete(a.resolve("metrics.jsonl"));
        assertError(advise(a.toString()), Main.EXIT_USAGE, a.resolve("metrics.jsonl").toString(), "is missing");
        assertError(advise(), Main.EXIT_USAGE, "RUN_DIR");
    }

    @Test
    void malformedRunDataIsAFailureNamingFileAndLine() throws IOException {
        Path a = run("bad", 512, 2, "{\"type\":\"step\",\"step\":7,\"step_ms\":\"slow\",\"broadcast_ms\":1,"
                + "\"job_ms\":1,\"slowest_task_ms\":1,\"aggregate_ms\":1,\"update_ms\":1}");
        assertError(advise(a.toString()), Main.EXIT_FAILURE, a.resolve("metrics.jsonl") + ":201",
                "\"step_ms\" must be a number, got \"slow\"");
    }

    @Test
    void badOptionsAreUsageErrorsAndNothingIsOverwritten() throws IOException {
        Path a = run("ok", 512, 2);
        assertError(advise(a.toString(), "--s-min", "10"), Main.EXIT_USAGE, "--s-min needs --b-crit");
        assertError(advise(a.toString(), "--s-min", "10", "--b-crit", "5", "--target-steps", "9"), Main.EXIT_USAGE,
                "either --target-steps or --s-min");
        assertError(advise(a.toString(), "--workers", "0,2"), Main.EXIT_USAGE, "--workers", "got 0");
        assertError(advise(a.toString(), "--b-crit", "-3"), Main.EXIT_USAGE, "--b-crit");
        assertError(advise(a.toString(), "--global-batch", "x"), Main.EXIT_USAGE, "--global-batch");
        assertError(advise(a.toString(), "--quantile", "1"), Main.EXIT_USAGE, "--quantile must be in (0, 1)");
        Path json = Files.writeString(tmp.resolve("keep.json"), "precious");
        assertError(advise(a.toString(), "--json", json.toString()), Main.EXIT_USAGE, "already exists");
        assertEquals("precious", Files.readString(json));
    }

    @Test
    void eachStepTransportGetsItsOwnModel() throws IOException {
        double channelFixed = 5;
        Path j1 = run("job-p1", 1024, 1);
        Path j2 = run("job-p2", 1024, 2, O, "job", i -> 300.0);
        Path c1 = run("ch-p1", 1024, 1, channelFixed, "channel", i -> 300.0);
        Path c2 = run("ch-p2", 1024, 2, channelFixed, "channel", i -> 300.0);
        Path c4 = run("ch-p4", 4096, 4, channelFixed, "channel", i -> 300.0);
        Path json = tmp.resolve("advice.json");
        Result r = advise(j1.toString(), c1.toString(), j2.toString(), c2.toString(), "--workers", "1,4",
                "--global-batch", "4096", "--validate", c4.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("== step transport job ==") && r.out().contains("== step transport channel =="),
                r.out());
        JsonNode byT = new ObjectMapper().readTree(json.toFile()).path("by_step_transport");
        assertEquals(O, byT.path("job").path("step_time_model").path("fixed_ms").asDouble(), 1e-6);
        assertEquals(channelFixed, byT.path("channel").path("step_time_model").path("fixed_ms").asDouble(), 1e-6);
        assertEquals(K, byT.path("channel").path("step_time_model").path("comm_ms_per_param_per_worker").asDouble(),
                1e-12);
        assertEquals(2, byT.path("job").path("fitted_runs").size());
        assertEquals(0, byT.path("job").path("validation").size(), "the channel run is checked by the channel model");
        JsonNode check = byT.path("channel").path("validation").get(0);
        double expected = C * 1024 + channelFixed + K * PARAMS * 4 + U * PARAMS;
        assertEquals(expected, check.path("predicted_step_ms").asDouble(), 1e-6);
    }

    @Test
    void aValidationRunOfAnUnfittedTransportIsAUsageError() throws IOException {
        Path j = run("job", 1024, 1);
        Path c = run("ch", 1024, 1, O, "channel", i -> 300.0);
        assertError(advise(j.toString(), "--validate", c.toString()), Main.EXIT_USAGE,
                "step transport channel, but no RUN_DIR uses it (fitted: job)");
    }

    @Test
    void theDriverLinkSaysFromWhichPTheLinkIsTheBottleneck() throws IOException {
        Path a = run("b1024-p1", 1024, 1);
        Path b = run("b1024-p2", 1024, 2);
        Path json = tmp.resolve("advice.json");
        Result r = advise(a.toString(), b.toString(), "--workers", "1,2,4", "--global-batch", "512,4096",
                "--driver-link-gbps", "0.1", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        // L = 0.1 Gb/s, params = 1e5: link = 2*P*1e5*32 bit / 1e8 bit/s = 64 ms * P.
        // B = 512: P = 1 computes 0.05 * 512 = 25.6 ms < 64 ms: bound from P = 1.
        // B = 4096: P = 1 204.8 ms > 64 ms; P = 2 0.05 * 2048 = 102.4 ms < 128 ms: bound from P = 2.
        assertTrue(r.out().contains("L = 0.1 Gb/s"), r.out());
        assertTrue(r.out().contains("B=512 from P=1 (P*params = 1.00e+05); B=4096 from P=2 (P*params = 2.00e+05)"), r.out());
        assertTrue(r.out().contains("fixed-order tree"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, root.path("driver_link").path("link_bound_from_workers").path("4096").asInt());
        for (JsonNode p : root.path("predictions")) {
            int w = p.path("workers").asInt();
            assertEquals(64.0 * w, p.path("link_ms").asDouble(), 1e-9);
            double model = trueStepMillis(p.path("global_batch").asInt(), w);
            assertEquals(Math.max(model, 64.0 * w), p.path("step_ms").asDouble(), 1e-6 * model);
        }
    }

    @Test
    void badDriverLinkBandwidthsAreOneLineNamingTheOption() throws IOException {
        Path a = run("ok", 512, 2);
        for (String bad : new String[] {"0", "-2", "NaN", "Infinity"}) {
            Result r = advise(a.toString(), "--driver-link-gbps", bad);
            assertError(r, Main.EXIT_USAGE, "--driver-link-gbps", "finite number of Gb/s > 0");
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertError(advise(a.toString(), "--driver-link-gbps", "fast"), Main.EXIT_USAGE, "--driver-link-gbps");
    }

    @Test
    void helpDescribesTheOptions() {
        Result r = advise("--help");
        assertEquals(0, r.code());
        for (String option : new String[] {"--workers", "--global-batch", "--target-steps", "--b-crit", "--s-min",
            "--json", "--validate", "--driver-link-gbps"}) {
            assertTrue(r.out().contains(option), option + " in " + r.out());
        }
    }
}
