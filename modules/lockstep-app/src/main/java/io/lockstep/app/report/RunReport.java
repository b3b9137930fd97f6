package io.lockstep.app.report;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** Assembles the report of one run directory (run.json + metrics.jsonl). */
final class RunReport {
    private final Path dir;
    private final RunOverview run;
    private final RunMetrics metrics;
    private final RunCharts charts;

    private RunReport(Path dir, RunOverview run, RunMetrics metrics) {
        this.dir = dir;
        this.run = run;
        this.metrics = metrics;
        this.charts = new RunCharts(metrics);
    }

    /** Reads the run directory and builds its page. */
    static HtmlPage build(Path dir) {
        RunOverview run = RunOverview.read(dir);
        RunMetrics metrics = MetricsReader.read(dir.resolve("metrics.jsonl"));
        return new RunReport(dir, run, metrics).page();
    }

    private HtmlPage page() {
        HtmlPage page = new HtmlPage("Run report: " + run.name());
        page.header(dir.toAbsolutePath().normalize() + " · started " + orDash(run.text("started"))
                + " · outcome " + orDash(run.text("result", "outcome")));
        page.keyNumbers(keyNumbers());
        if (metrics.steps().isEmpty()) {
            page.note("metrics.jsonl has no step records yet: no curves to draw.");
        } else {
            curves(page);
        }
        divergences(page);
        page.heading("Configuration (run.json)");
        page.keyValueTable("resolved config", run.configTable(), false);
        page.keyValueTable("Provenance: command, model, dataset, Spark, versions, commit", run.provenanceTable(),
                true);
        return page;
    }

    private void curves(HtmlPage page) {
        page.heading("Loss and accuracy");
        page.chartOrNote(charts.loss(), "Raw step loss (grey) and its EMA over " + charts.smoothing()
                + " steps; lines with points are full evaluations of each set.", "no finite loss values");
        accuracy(page);
        page.heading("Optimization");
        learningRate(page);
        page.chartOrNote(charts.gradientNorm(), "Norm of the averaged gradient before clipping.", "no gradient norms");
        page.chartOrNote(charts.updateRatios(), "‖Δw‖/‖w‖ per parameter block (W weights, b biases); "
                + "values around 1e-3 are typical of healthy SGD, ≳1e-1 means the step rewrites the weights.",
                "no update ratios (all undefined)");
        page.heading("Gradient noise scale");
        page.chartOrNote(charts.noiseScale(run.number("derived", "global_batch")),
                "B_simple = tr(Σ)/‖G‖² (McCandlish et al. 2018): batches well below it use the data efficiently.",
                "B_simple was undefined at every step (needs at least 2 workers or micro-batches)");
        adaptiveBatch(page);
        page.heading("Step time");
        page.chartOrNote(charts.stepTimes(), "Per-phase time of the synchronous step; job ⊇ slowest task, "
                + "overhead = whole step minus the measured phases.", "no timings recorded");
    }

    /**
     * AdaScale's gain and τ (runs with {@code adascale_gain}), the global batch when it varies, and the goodput of
     * an adaptive run's batch choices; no section for a run with none of them.
     */
    private void adaptiveBatch(HtmlPage page) {
        double logged = run.number("derived", "global_batch");
        boolean gain = Arrays.stream(metrics.column(StepRecord::gain)).anyMatch(Double::isFinite);
        boolean varies = Arrays.stream(metrics.globalBatches(logged)).filter(Double::isFinite).distinct().count() > 1;
        if (!gain && !varies && metrics.batchChoices().isEmpty()) {
            return;
        }
        page.heading("AdaScale and the global batch");
        if (gain) {
            page.chart(charts.gainRatio(run.number("derived", "reference_batch"), logged),
                    "AdaScale's gain ratio r = (σ² + μ²)/(σ²/S + μ²) ∈ [1, S] (Johnson et al. 2020): the step's rate is"
                            + " r times the base schedule's; r near S means noise-dominated gradients, near 1 signal.");
            page.chartOrNote(charts.tau(), "τ = Σ r, the base-batch iterations the run has made up: the base schedule"
                    + " is read at τ and the run ends when τ reaches its length. Above the dashed line, every step"
                    + " counted for more than one base step.", "no τ values");
        }
        if (varies) {
            page.chart(charts.globalBatch(logged), "Examples per step (global_batch of each step line).");
        }
        if (!metrics.batchChoices().isEmpty()) {
            page.chartOrNote(charts.goodput(), "Predicted goodput (B/T(B)·E(B), Pollux) of the batch chosen after"
                    + " the step; it applies from the next step.", "no finite goodput values");
        }
    }

    /** The schedule; a constant rate is a number, not a curve. */
    private void learningRate(HtmlPage page) {
        double[] lr = Arrays.stream(metrics.column(StepRecord::lr)).filter(Double::isFinite).toArray();
        if (lr.length > 0 && Arrays.stream(lr).min().getAsDouble() == Arrays.stream(lr).max().getAsDouble()) {
            page.note("Learning rate: constant " + Format.num(lr[0]) + " at every step.");
            return;
        }
        page.chartOrNote(charts.learningRate(), "Learning rate actually applied at each step.", "no learning rates");
    }

    /** Accuracy curves; a single evaluation per set is a number, not a curve. */
    private void accuracy(HtmlPage page) {
        List<EvalRecord> evals = metrics.evals();
        if (evals.isEmpty()) {
            page.note("Accuracy: no evaluations in metrics.jsonl.");
            return;
        }
        boolean curves = Arrays.stream(RunCharts.SETS).anyMatch(set -> metrics.evals(set[0]).size() > 1);
        if (curves) {
            page.chart(charts.accuracy(), "Accuracy of each evaluated set at the step it was evaluated.");
            return;
        }
        page.note("Accuracy: one evaluation per set ("
                + evals.stream().map(e -> e.set() + " " + Format.percent(e.accuracy()) + " at step " + e.step())
                        .collect(Collectors.joining(", "))
                + "); train with --eval-every N for accuracy curves.");
    }

    private void divergences(HtmlPage page) {
        page.heading("Divergence events");
        if (metrics.divergences().isEmpty()) {
            page.note("No divergence events in metrics.jsonl.");
            return;
        }
        page.table(List.of("step", "loss", "lr", "reason", "action"), metrics.divergences().stream()
                .map(d -> List.of(Long.toString(d.step()), Format.num(d.loss()), Format.num(d.lr()), d.reason(),
                        d.action())).toList());
    }

    private Map<String, String> keyNumbers() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("outcome", orDash(run.text("result", "outcome")));
        k.put("steps", Integer.toString(metrics.steps().size()));
        k.put("wall time (s)", Format.rounded(run.number("result", "seconds"), 1));
        k.put("test accuracy", Format.percent(last("test")));
        metrics.bestAccuracy("validation").ifPresent(v -> k.put("best validation accuracy", Format.percent(v)));
        k.put("final train loss (last 50 steps)", Format.num(orNaN(metrics.finalTrainLoss())));
        k.put("global batch B", orDash(run.text("derived", "global_batch")));
        k.put("workers P", orDash(run.text("derived", "workers")));
        k.put("peak lr", orDash(run.text("derived", "peak_lr")));
        k.put("optimizer", orDash(run.text("config", "optimizer", "type")).toLowerCase(java.util.Locale.ROOT));
        k.put("model params", orDash(run.text("model", "params")));
        k.put("median step (ms)", Format.num(SeriesMath.median(metrics.column(s -> s.timing("step_ms")))));
        k.put("divergence events", Integer.toString(metrics.divergences().size()));
        return k;
    }

    private double last(String set) {
        var evals = metrics.evals(set);
        return evals.isEmpty() ? run.number("result", set + "_accuracy") : evals.get(evals.size() - 1).accuracy();
    }

    private static double orNaN(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "–" : s;
    }
}
