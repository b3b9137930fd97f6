package io.lockstep.app.advise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.lockstep.app.advise.AdviseCommandTest.advise;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.app.advise.AdviseCommandTest.Result;
import io.lockstep.perf.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "What would adaptive batching have saved?" on synthetic runs with a known noise (σ² = 16 at b0 = 64, μ² = 1, so
 * φ = b0·σ²/μ² = 1024) and known step times T(B) = O + C·B on one worker. The goodput b0·r(B)/T(B) ∝
 * B/((φ + B)(O + C·B)) is largest at B = sqrt(φ·O/C) = 1024, one of the candidates 64·2^k.
 */
class AdaptiveSavingTest {
    private static final int B0 = 64;
    private static final double VARIANCE = 16;
    private static final double SQ_NORM = 1;
    private static final double PHI = B0 * VARIANCE / SQ_NORM;
    private static final double C = 0.01;
    private static final double O = 10.24;
    private static final int OPTIMUM = 1024;
    private static final int STEPS = 200;

    @TempDir
    Path tmp;

    /** E(B) = (φ + b0)/(φ + B), the statistical efficiency of Pollux/AdaScale. */
    private static double efficiency(int b) {
        return (PHI + B0) / (PHI + b);
    }

    /** r(B) = S·E(B): base-batch iterations per step of B. */
    private static double gain(int b) {
        return (double) b / B0 * efficiency(b);
    }

    private static double time(int b) {
        return O + C * b;
    }

    /**
     * A run with {@code STEPS} steps at batch {@code batch.applyAsInt(step)} (logged as global_batch when
     * {@code logBatch}); noise as AdaScale's logged estimates or as the raw per-step ones, or none.
     */
    private Path run(String name, IntUnaryOperator batch, boolean logBatch, String noise) throws IOException {
        return run(name, batch, logBatch, noise, 0);
    }

    /** As above with {@code perTask} ms of the step's time in the slowest task's fixed cost instead of the rest. */
    private Path run(String name, IntUnaryOperator batch, boolean logBatch, String noise, double perTask)
            throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("run.json"), String.format(Locale.ROOT, "{\"derived\":{\"global_batch\":%d,"
                + "\"workers\":1,\"reference_batch\":%d},\"model\":{\"params\":1000},\"dataset\":{\"train_size\":60000,"
                + "\"train_size_after_validation_split\":54000}}", batch.applyAsInt(0), B0));
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            int b = batch.applyAsInt(t);
            String fields = switch (noise) {
                case "adascale" -> String.format(Locale.ROOT, "\"noise_grad_sq\":3.0,\"noise_trace_sigma\":7.0,"
                        + "\"adascale_variance\":%s,\"adascale_sq_norm\":%s,", VARIANCE, SQ_NORM);
                case "raw" -> String.format(Locale.ROOT, "\"noise_grad_sq\":%s,\"noise_trace_sigma\":%s,", SQ_NORM,
                        VARIANCE * B0);
                default -> "\"noise_grad_sq\":null,\"noise_trace_sigma\":null,";
            };
            lines.add(String.format(Locale.ROOT, "{\"type\":\"step\",\"step\":%d,%s%s\"step_ms\":%s,\"broadcast_ms\":0,"
                    + "\"job_ms\":%s,\"slowest_task_ms\":%s,\"aggregate_ms\":0,\"update_ms\":0}", t,
                    logBatch ? "\"global_batch\":" + b + "," : "", fields, time(b), perTask + C * b, perTask + C * b));
        }
        Files.write(dir.resolve("metrics.jsonl"), lines);
        return dir;
    }

    private static AdaptiveSaving saving(Path dir) {
        return AdaptiveSaving.of(RunDirectory.readHistory(dir), new AdaptiveSaving.BatchRange(B0, B0, 64 * B0, ""), 0.5);
    }

    @Test
    void savingAtTheBaseBatchMatchesTheFormulaWithLoggedAndWithReplayedEstimates() throws IOException {
        // every step at b0 makes r(b0) = 1 base iteration in T(b0); at B* = 1024 the same takes T(B*)/r(B*)
        double expected = 1 - time(OPTIMUM) / gain(OPTIMUM) / time(B0);
        for (String noise : List.of("adascale", "raw")) {
            AdaptiveSaving a = saving(run("b64-" + noise, t -> B0, false, noise));
            assertEquals(STEPS, a.estimated(), noise);
            assertEquals(expected, a.savingFraction(), 1e-9, noise);
            assertEquals(STEPS * time(B0) / 1000, a.modelSeconds(), 1e-9, noise);
            assertEquals(STEPS * time(B0) / 1000, a.measuredSeconds(), 1e-9, noise);
            assertEquals(STEPS, a.progress(), 1e-9, noise);
            a.steps().forEach(s -> assertEquals(OPTIMUM, s.best().batch()));
            assertEquals(PHI, a.steps().get(STEPS - 1).bSimple(), 1e-9, noise);
        }
    }

    @Test
    void noSavingWhenTheRunAlreadyUsesTheOptimalBatch() throws IOException {
        AdaptiveSaving a = saving(run("b1024", t -> OPTIMUM, false, "adascale"));
        assertEquals(0, a.savingSeconds(), 1e-9);
        assertEquals(STEPS * gain(OPTIMUM), a.progress(), 1e-9);
        a.steps().forEach(s -> assertEquals(OPTIMUM, s.best().batch()));
    }

    @Test
    void aVaryingBatchIsReadPerStepAndFittedPerBatch() throws IOException {
        // first half at b0, second half at the optimum: only the first half saves anything
        AdaptiveSaving a = saving(run("varying", t -> t < STEPS / 2 ? B0 : OPTIMUM, true, "adascale"));
        double half = STEPS / 2.0;
        double model = half * (time(B0) + time(OPTIMUM));
        double adaptive = half * time(OPTIMUM) / gain(OPTIMUM) + half * time(OPTIMUM);
        assertEquals(model / 1000, a.modelSeconds(), 1e-9);
        assertEquals((model - adaptive) / model, a.savingFraction(), 1e-9);
    }

    @Test
    void commandPrintsTotalsTableAndAssumptions() throws IOException {
        Path dir = run("cli", t -> B0, false, "adascale");
        Result r = advise(dir.toString(), "--adaptive", "--workers", "1", "--global-batch", "64");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("adaptive batch in hindsight (a model prediction, not a measurement)"), r.out());
        assertTrue(r.out().contains(String.format(Locale.ROOT, "= %.1f%% of the model time",
                100 * (1 - time(OPTIMUM) / gain(OPTIMUM) / time(B0)))), r.out());
        assertTrue(r.out().contains("B in 64..4096 (min(64*b0, training set 54000))"), r.out());
        assertTrue(r.out().contains("assumptions:"), r.out());
        long rows = r.out().lines().filter(l -> l.matches("\\s+\\d+\\s+64\\s+1024\\s+1\\.00\\s+1024\\s.*")).count();
        assertEquals(AdaptiveSavingText.ROWS, rows, r.out());
    }

    @Test
    void sharedTimeModelTakesTheBatchesOtherRunsMeasured() throws IOException {
        // the slowest task takes A + C*B and the rest O - A, so T(B) = O + C*B still; the b0 run alone cannot tell A
        // from per-example compute (it overestimates T(1024)), the fit to both runs can
        double a = 5.12;
        Path small = run("small", t -> B0, false, "adascale", a);
        Path large = run("large", t -> OPTIMUM, false, "adascale", a);
        double expected = 1 - time(OPTIMUM) / gain(OPTIMUM) / time(B0);
        for (boolean shared : new boolean[] {true, false}) {
            Path json = tmp.resolve("advice-" + shared + ".json");
            List<String> args = new ArrayList<>(List.of(small.toString(), large.toString(), "--adaptive", "--workers",
                    "1", "--global-batch", "64", "--json", json.toString()));
            if (shared) {
                args.add("--shared-time-model");
            }
            Result r = advise(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            double saving = new ObjectMapper().readTree(json.toFile()).path("adaptive_batch_hindsight").get(0)
                    .path("saving_fraction").asDouble();
            assertEquals(shared, Math.abs(saving - expected) < 1e-9, "shared " + shared + ": " + saving);
        }
        assertEquals(2, advise(small.toString(), "--shared-time-model").code());
    }

    @Test
    void runWithoutNoiseEstimatesSaysSoInOneLineAndPrintsNoSaving() throws IOException {
        Path dir = run("p1", t -> B0, false, "none");
        Result r = advise(dir.toString(), "--adaptive", "--workers", "1", "--global-batch", "64");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().lines().filter(l -> l.contains("no gradient noise estimates")).count(), r.out());
        assertFalse(r.out().contains("saving:"), r.out());
        assertFalse(r.out().contains("hindsight"), r.out());
    }

    @Test
    void batchOptionsNeedAdaptiveAndAValidRange() throws IOException {
        Path dir = run("opts", t -> B0, false, "adascale");
        Result r = advise(dir.toString(), "--base-batch", "64");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--base-batch needs --adaptive"), r.err());
        r = advise(dir.toString(), "--adaptive", "--base-batch", "128");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--base-batch: b0 = 128 is above"), r.err());
        r = advise(dir.toString(), "--adaptive", "--min-batch", "32");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--min-batch 32 is below the base batch b0 = 64"), r.err());
        r = advise(dir.toString(), "--adaptive", "--max-batch", "32");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--max-batch 32 is below --min-batch 64"), r.err());
    }
}
