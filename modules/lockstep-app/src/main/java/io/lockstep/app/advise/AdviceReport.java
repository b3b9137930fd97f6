package io.lockstep.app.advise;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lockstep.perf.DriverLink;
import io.lockstep.perf.Prediction;
import io.lockstep.perf.PredictionCheck;
import io.lockstep.perf.RunSummary;
import io.lockstep.perf.ScalingAdvice;
import io.lockstep.perf.StepTimeModel;
import io.lockstep.perf.StepsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The advisor's output for the runs of one step transport: a text report for the console and the same content as
 * JSON.
 *
 * @param transport the step transport of the fitted runs ({@code job} or {@code channel})
 * @param link      the assumed driver link whose time floors every predicted step
 */
record AdviceReport(String transport, List<RunSummary> fitted, StepTimeModel time, StepsSource.Choice steps,
                    ScalingAdvice advice, List<PredictionCheck> checks, List<AdaptiveSaving> adaptive, DriverLink link) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    String text() {
        StringBuilder sb = new StringBuilder();
        line(sb, "lockstep advise: step-time model of a %,d-parameter model fitted to %d run(s) over the %s step"
                + " transport", time.params(), fitted.size(), transport);
        for (RunSummary r : fitted) {
            line(sb, "  %s: B=%d P=%d (%s), %s over %d steps after %d warm-up: step %.1f ms, compute %.1f,"
                    + " update %.2f, rest %.1f (broadcast+aggregate %.1f)", r.run().name(), r.run().globalBatch(),
                    r.run().workers(), r.run().master(), statistic(r.quantile()), r.used(), r.skipped(), r.stepMillis(),
                    r.computeMillis(),
                    r.updateMillis(), r.restMillis(), r.commMillis());
        }
        line(sb, "model: T(B,P) = %sc_P*ceil(B/P) + o + k*params*P + u*params (one core per executor), at least"
                + " 2*P*params*4*8/L (driver link)", time.computeMillisPerTask().isEmpty() ? "" : "a_P + ");
        time.notes().forEach(n -> line(sb, "  %s", n));
        line(sb, "%s", steps.explanation());
        sb.append(AdviceTable.of(advice));
        sb.append(DriverLinkText.of(link, time, batches()));
        if (!checks.isEmpty()) {
            sb.append(AdviceTable.of(checks, statistic(fitted.get(0).quantile())));
        }
        adaptive.forEach(a -> sb.append(AdaptiveSavingText.of(a, time)));
        return sb.toString();
    }

    /** The global batches of the grid, in increasing order. */
    private int[] batches() {
        return advice.predictions().stream().mapToInt(Prediction::globalBatch).distinct().sorted().toArray();
    }

    /** "median" or "p10"-style name of a quantile. */
    static String statistic(double quantile) {
        return quantile == 0.5 ? "median"
                : "p" + java.math.BigDecimal.valueOf(100 * quantile).stripTrailingZeros().toPlainString();
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    /** Writes {@code content} (one report's {@link #toMap()}, or several) as JSON: temporary file, then an atomic move. */
    static void writeJson(Path file, Object content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step_transport", transport);
        m.put("statistic", statistic(fitted.get(0).quantile()));
        m.put("fitted_runs", fitted.stream().map(AdviceReport::summary).toList());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("params", time.params());
        model.put("compute_ms_per_example", time.computeMillisPerExample());
        model.put("compute_ms_per_task", time.computeMillisPerTask());
        model.put("fixed_ms", time.fixedMillis());
        model.put("comm_ms_per_param_per_worker", time.commMillisPerParamWorker());
        model.put("update_ms_per_param", time.updateMillisPerParam());
        model.put("comm_fitted", time.commFitted());
        model.put("notes", time.notes());
        m.put("step_time_model", model);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("s_min", steps.model() == null ? null : steps.model().sMin());
        s.put("b_crit", steps.model() == null ? null : steps.model().bCrit());
        s.put("explanation", steps.explanation());
        m.put("steps_model", s);
        m.put("noise_scale", advice.noise() == null ? null
                : Map.of("b_noise", advice.noise().bNoise(), "source", advice.noise().source()));
        m.put("driver_link", DriverLinkText.json(link, time, batches()));
        m.put("predictions", advice.predictions().stream().map(this::prediction).toList());
        m.put("fastest", point(advice.fastest()));
        m.put("cheapest", point(advice.cheapest()));
        m.put("ranked_by", advice.toTarget() ? "time to target" : advice.noise() != null
                ? "time to a fixed target relative to S_min (noise scale)" : "throughput (no steps model, no noise scale)");
        m.put("validation", checks.stream().map(AdviceReport::check).toList());
        double mean = PredictionCheck.meanAbsoluteError(checks);
        m.put("validation_mean_abs_error_held_out", Double.isFinite(mean) ? mean : null);
        if (!adaptive.isEmpty()) {
            m.put("adaptive_batch_hindsight", adaptive.stream().map(AdviceReport::adaptive).toList());
        }
        return m;
    }

    private static Map<String, Object> adaptive(AdaptiveSaving a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", a.run());
        m.put("base_batch", a.range().baseBatch());
        m.put("min_batch", a.range().minBatch());
        m.put("max_batch", a.range().maxBatch());
        m.put("steps_with_estimates", a.estimated());
        boolean any = a.estimated() > 0;
        m.put("noise_source", any ? a.noise().source() : null);
        m.put("progress_base_iterations", any ? a.progress() : null);
        m.put("measured_seconds", a.measuredSeconds());
        m.put("model_seconds", a.modelSeconds());
        m.put("adaptive_seconds", any ? a.adaptiveSeconds() : null);
        m.put("saving_seconds", any ? a.savingSeconds() : null);
        m.put("saving_fraction", any ? a.savingFraction() : null);
        m.put("best_batch", any ? AdaptiveSavingText.rows(a.steps().size()).stream().map(i -> a.steps().get(i))
                .filter(s -> s.best() != null).map(s -> Map.of("step", s.step(), "batch", s.best().batch())).toList()
                : null);
        return m;
    }

    private static Map<String, Object> summary(RunSummary r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.run().name());
        m.put("global_batch", r.run().globalBatch());
        m.put("workers", r.run().workers());
        m.put("master", r.run().master());
        m.put("steps_used", r.used());
        m.put("warmup_skipped", r.skipped());
        m.put("step_ms", r.stepMillis());
        m.put("compute_ms", r.computeMillis());
        m.put("update_ms", r.updateMillis());
        m.put("rest_ms", r.restMillis());
        return m;
    }

    private static Map<String, Object> point(Prediction p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", p.workers());
        m.put("global_batch", p.globalBatch());
        return m;
    }

    private Map<String, Object> prediction(Prediction p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", p.workers());
        m.put("global_batch", p.globalBatch());
        m.put("step_ms", p.stepMillis());
        m.put("compute_ms", p.time().computeMillis());
        m.put("fixed_ms", p.time().fixedMillis());
        m.put("comm_ms", p.time().commMillis());
        m.put("update_ms", p.time().updateMillis());
        m.put("link_ms", p.linkMillis());
        m.put("link_bound", p.linkBound());
        m.put("examples_per_second", p.examplesPerSecond());
        m.put("efficiency", p.efficiency());
        m.put("steps_to_target", finiteOrNull(p.steps()));
        m.put("examples_to_target", finiteOrNull(p.examples()));
        m.put("wall_seconds_to_target", finiteOrNull(p.wallSeconds()));
        m.put("executor_seconds_to_target", finiteOrNull(p.executorSeconds()));
        if (advice.noise() != null) {
            m.put("steps_over_s_min", advice.noise().stepsFactor(p.globalBatch()));
            m.put("examples_over_e_min", advice.noise().examplesFactor(p.globalBatch()));
            m.put("wall_ms_per_s_min_step", advice.wallMillisPerSMin(p));
        }
        return m;
    }

    private static Map<String, Object> check(PredictionCheck c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", c.run().run().name());
        m.put("global_batch", c.run().run().globalBatch());
        m.put("workers", c.run().run().workers());
        m.put("measured_step_ms", c.measuredMillis());
        m.put("predicted_step_ms", c.predictedMillis());
        m.put("relative_error", c.relativeError());
        m.put("fitted", c.fitted());
        m.put("measured_steps_to_target", finiteOrNull(c.measuredSteps()));
        m.put("predicted_steps_to_target", finiteOrNull(c.predictedSteps()));
        m.put("steps_relative_error", finiteOrNull(c.stepsError()));
        return m;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
