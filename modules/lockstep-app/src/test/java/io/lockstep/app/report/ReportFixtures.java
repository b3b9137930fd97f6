package io.lockstep.app.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Synthetic run and sweep directories in the formats `lockstep train` and `lockstep sweep` write. */
public final class ReportFixtures {
    /** The curve the synthetic sweep's steps-to-target follow: S = S_MIN(1 + B_CRIT/B). */
    public static final double S_MIN = 200;
    public static final double B_CRIT = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = "run,status,global_batch,workers,lr,lr_scaling,reference_batch,peak_lr,"
            + "warmup,warmup_steps,optimizer,seed,steps,examples,wall_seconds,target_accuracy,reached_target,"
            + "steps_to_target,examples_to_target,seconds_to_target,best_val_accuracy,final_val_accuracy,"
            + "final_test_accuracy,final_train_loss,peak_loss,diverged,diverged_step,b_simple_last_epoch,error,"
            + "p_global_batch,p_lr,p_warmup";

    private ReportFixtures() {
    }

    /**
     * A run directory with {@code steps} steps at batch {@code batch}: falling loss, warmup then constant lr,
     * evaluations of three sets every 20 steps, rising B_simple, and one divergence event if asked.
     */
    public static Path run(Path dir, int steps, int batch, boolean divergence) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("run.json"), JSON.writeValueAsString(runJson(batch, steps)));
            Files.write(dir.resolve("metrics.jsonl"), metricsLines(steps, batch, divergence));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> runJson(int batch, int steps) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("globalBatch", batch);
        config.put("workers", 2);
        config.put("lr", 0.1);
        config.put("schedule", Map.of("warmup", "GRADUAL", "warmupSteps", 10));
        config.put("optimizer", Map.of("type", "NESTEROV", "momentum", 0.9));
        config.put("note", "<script>alert(1)</script>");
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "train");
        run.put("started", "2026-01-01T00:00:00Z");
        run.put("config", config);
        run.put("model", Map.of("params", 269322, "name", "mlp", "layers", List.of("0: DenseLayer", "1: OutputLayer")));
        run.put("derived", Map.of("global_batch", batch, "workers", 2, "peak_lr", 0.1, "total_steps", steps));
        run.put("result", Map.of("outcome", "completed", "steps", steps, "seconds", 12.5, "test_accuracy", 0.95));
        return run;
    }

    static List<String> metricsLines(int steps, int batch, boolean divergence) throws IOException {
        Random rng = new Random(steps * 31L + batch);
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            double progress = t / (double) steps;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("type", "step");
            s.put("step", t);
            s.put("epoch", t / 50);
            s.put("examples", (long) (t + 1) * batch);
            s.put("loss", 2.3 * Math.exp(-4 * progress) + 0.05 + 0.02 * rng.nextDouble());
            s.put("lr", 0.1 * Math.min(1, (t + 1) / 10.0));
            s.put("grad_norm", 1.5 * Math.exp(-progress) + 0.1 * rng.nextDouble());
            s.put("clipped", false);
            s.put("b_simple", t == 0 ? null : 50 * Math.exp(3 * progress));
            s.put("update_ratio", Map.of("0_W", 1e-3 * (1 + rng.nextDouble()), "0_b", 1e-1 * Math.exp(-5 * progress)));
            s.put("step_ms", 40 + 5 * rng.nextDouble());
            s.put("broadcast_ms", 2.0);
            s.put("job_ms", 30.0);
            s.put("slowest_task_ms", 25.0);
            s.put("aggregate_ms", 1.0);
            s.put("update_ms", 0.5);
            s.put("overhead_ms", 6.5);
            lines.add(JSON.writeValueAsString(s));
            if (t % 20 == 19) {
                for (String set : List.of("train", "validation", "test")) {
                    lines.add(JSON.writeValueAsString(Map.of("type", "eval", "set", set, "step", t, "epoch", t / 50,
                            "loss", 0.3 + 1.0 / (t + 1), "accuracy", 0.9 + 0.08 * progress, "count", 1000)));
                }
            }
        }
        if (divergence) {
            lines.add(JSON.writeValueAsString(Map.of("type", "divergence", "step", steps / 2, "loss", 99.0, "lr", 0.1,
                    "reason", "loss 99 > 10 x best", "action", "rollback")));
        }
        return lines;
    }

    /**
     * {@link #run} with AdaScale's fields on every step line (b0 = 64 in run.json, gain in [1, S], τ = Σ gain)
     * and, when {@code adaptive}, a global batch doubling every 20 steps from 64 and a batch_choice line after
     * every 10th step.
     */
    public static Path adaScaleRun(Path dir, int steps, boolean adaptive) {
        run(dir, steps, 256, false);
        try {
            Map<String, Object> runJson = runJson(256, steps);
            Map<String, Object> derived = new LinkedHashMap<>(castMap(runJson.get("derived")));
            derived.put("reference_batch", 64);
            runJson.put("derived", derived);
            Files.writeString(dir.resolve("run.json"), JSON.writeValueAsString(runJson));
            List<String> out = new ArrayList<>();
            double tau = 0;
            for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
                Map<String, Object> o = castMap(JSON.readValue(line, Map.class));
                if (o.get("type").equals("step")) {
                    int t = ((Number) o.get("step")).intValue();
                    int batch = adaptive ? 64 << Math.min(t / 20, 6) : 256;
                    double gain = 1 + (batch / 64.0 - 1) * t / (double) steps;
                    tau += gain;
                    o.put("global_batch", adaptive ? batch : null);
                    o.put("adascale_gain", gain);
                    o.put("adascale_tau", tau);
                    out.add(JSON.writeValueAsString(o));
                    if (adaptive && t % 10 == 9) {
                        out.add(JSON.writeValueAsString(Map.of("type", "batch_choice", "step", t, "batch",
                                64 << Math.min((t + 1) / 20, 6), "previous_batch", batch, "goodput", 1000.0 + 10 * t,
                                "efficiency", 0.5, "predicted_step_ms", 30.0)));
                    }
                } else {
                    out.add(line);
                }
            }
            Files.write(dir.resolve("metrics.jsonl"), out);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    /** Writes {@code lines} to {@code file} (one per line). */
    public static Path lines(Path file, String... lines) {
        try {
            return Files.write(file, List.of(lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A sweep directory: one run per batch size 64…4096 at lr 0.1 whose steps to target follow S(B) exactly, one
     * diverged run at lr 0.4, and a gradual-warmup variant at B = 4096 (a warmup group).
     */
    public static Path sweep(Path dir) {
        List<String> rows = new ArrayList<>();
        rows.add(HEADER);
        for (int b : new int[] {64, 256, 1024, 4096}) {
            rows.add(row(dir, b, 0.1, "none", 0, false));
        }
        rows.add(row(dir, 4096, 0.4, "none", 0, true));
        rows.add(row(dir, 4096, 0.1, "gradual", 10, false));
        try {
            Files.write(dir.resolve("summary.csv"), rows);
            Files.writeString(dir.resolve("sweep.yaml"), "name: synthetic\ndescription: \"a <test> sweep\"\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String row(Path dir, int b, double lr, String warmup, int warmupSteps, boolean diverged) {
        String name = String.format(Locale.ROOT, "global-batch-%d_lr-%s_warmup-%s", b, lr, warmup);
        long s = Math.round(S_MIN * (1 + B_CRIT / b));
        boolean fastest = lr == 0.1 && warmup.equals("none");
        long stepsToTarget = fastest ? s : s + 40;
        run(dir.resolve("runs").resolve(name), diverged ? 8 : (int) Math.min(stepsToTarget, 300), b, false);
        String reached = diverged ? "false,,," : "true," + stepsToTarget + "," + stepsToTarget * b + ",1.5";
        String accuracy = diverged ? ",,0.1135" : "0.975,0.972," + (0.975 - b / 1e5);
        return String.join(",", name, diverged ? "diverged" : "finished", Integer.toString(b), "2",
                Double.toString(lr), "none", "64", Double.toString(lr), warmup, Integer.toString(warmupSteps),
                "nesterov", "42", Long.toString(diverged ? 8 : stepsToTarget), "1000", "12.5", "0.97", reached,
                accuracy, "0.08", diverged ? "25.1" : "2.4", Boolean.toString(diverged), diverged ? "7" : "",
                diverged ? "" : Double.toString(300 + b / 10.0), diverged ? "\"loss 25.1, lr 0.4\"" : "",
                Integer.toString(b), Double.toString(lr), warmup);
    }
}
