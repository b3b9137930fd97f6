package io.lockstep.app.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of one run, one method each, all against the step index. Each may come back empty. */
final class RunCharts {
    /** Eval sets in legend order, with their legend labels. */
    static final String[][] SETS = {{"train", "train set"}, {"validation", "validation set"}, {"test", "test set"}};
    private static final String[][] TIMINGS = {{"step_ms", "whole step"}, {"job_ms", "Spark job"},
        {"slowest_task_ms", "slowest task"}, {"broadcast_ms", "broadcast"}, {"aggregate_ms", "aggregate"},
        {"update_ms", "update"}, {"overhead_ms", "overhead"}};

    private final RunMetrics m;
    private final double[] steps;
    private final int smoothing;

    RunCharts(RunMetrics metrics) {
        this.m = metrics;
        this.steps = metrics.column(s -> s.step());
        this.smoothing = Math.max(5, steps.length / 50);
    }

    /** Span of the EMA drawn over noisy per-step series. */
    int smoothing() {
        return smoothing;
    }

    /** Step loss (raw and EMA), evaluated losses, divergence events. */
    Plot loss() {
        double[] loss = m.column(StepRecord::loss);
        Plot p = rawAndSmoothed("Loss", "cross-entropy loss", "step loss", loss);
        for (String[] set : SETS) {
            var evals = m.evals(set[0]);
            p.add(set[0] + " eval", evals.stream().mapToDouble(EvalRecord::step).toArray(),
                    evals.stream().mapToDouble(EvalRecord::loss).toArray(), Plot.Style.LINE_POINTS);
        }
        markDivergences(p, loss);
        return p;
    }

    /** Accuracy of every evaluated set against the step of the evaluation. */
    Plot accuracy() {
        Plot p = Plot.create("Accuracy", "step", "accuracy (fraction correct)", false, false);
        for (String[] set : SETS) {
            var evals = m.evals(set[0]);
            p.add(set[1], evals.stream().mapToDouble(EvalRecord::step).toArray(),
                    evals.stream().mapToDouble(EvalRecord::accuracy).toArray(), Plot.Style.LINE_POINTS);
        }
        return p;
    }

    /** The learning rate used at each step (schedule, warmup, rollback back-off). */
    Plot learningRate() {
        double[] lr = m.column(StepRecord::lr);
        Plot p = againstStep("Learning-rate schedule", "learning rate", lr);
        p.add("lr", steps, lr, Plot.Style.LINE);
        return p;
    }

    /** Norm of the averaged gradient, raw and smoothed. */
    Plot gradientNorm() {
        double[] g = m.column(StepRecord::gradNorm);
        Plot p = rawAndSmoothed("Gradient norm", "‖g‖ of the mean gradient", "per step", g);
        markDivergences(p, g);
        return p;
    }

    /**
     * ‖Δw‖/‖w‖ per parameter block, median per window, always on a log axis: the ratios are positive, what matters
     * is their order of magnitude (1e-3 healthy, 1e-1 rewriting the weights), and the first steps' are often far
     * larger than the rest, which would flatten the rest of a linear axis.
     */
    Plot updateRatios() {
        int w = SeriesMath.window(steps.length);
        Set<String> blocks = new LinkedHashSet<>();
        m.steps().forEach(s -> blocks.addAll(s.updateRatios().keySet()));
        Map<String, double[][]> medians = new LinkedHashMap<>();
        for (String block : blocks) {
            double[] r = m.column(s -> s.updateRatios().getOrDefault(block, Double.NaN));
            medians.put(block, SeriesMath.windowMedians(steps, r, w));
        }
        Plot p = Plot.create("Update/weight ratio per parameter block", "step",
                "‖Δw‖ / ‖w‖" + scaleNote(true, w), false, true);
        medians.forEach((block, med) -> p.add(block, med[0], med[1], Plot.Style.LINE));
        return p;
    }

    /** B_simple over training, with the run's global batch for comparison. */
    Plot noiseScale(double globalBatch) {
        double[] b = m.column(StepRecord::bSimple);
        boolean log = SeriesMath.positiveSpan(b, new double[] {globalBatch}) >= SeriesMath.LOG_SPAN;
        Plot p = Plot.create("Gradient noise scale B_simple", "step", "B_simple, examples" + scaleNote(log, 1),
                false, log);
        if (p.add("B_simple", steps, b, Plot.Style.LINE) && steps.length > 0) {
            p.horizontal("B = " + Format.num(globalBatch), globalBatch, steps[0],
                    steps[steps.length - 1], Plot.FAINT);
        }
        return p;
    }

    /**
     * AdaScale's gain ratio r_t, under its upper bound S = B/b0 (what linear scaling would use) when the base
     * batch b0 is known (NaN: not drawn).
     */
    Plot gainRatio(double baseBatch, double loggedBatch) {
        double[] r = m.column(StepRecord::gain);
        double[] scale = java.util.Arrays.stream(m.globalBatches(loggedBatch)).map(b -> b / baseBatch).toArray();
        Plot p = againstStep("AdaScale gain ratio r", "r = lr / base-schedule lr", r);
        if (p.add("gain r", steps, r, Plot.Style.LINE)) {
            p.add("S = B/b0 (linear scaling)", steps, scale, Plot.Style.DASHED, Plot.FAINT);
        }
        return p;
    }

    /** AdaScale's τ (base-batch iterations done) against the steps done, with τ = steps (no gain) for reference. */
    Plot tau() {
        double[] done = m.column(s -> s.step() + 1);
        Plot p = Plot.create("Scale-invariant iteration τ", "steps done", "τ, base-batch iterations", false, false);
        if (p.add("τ", done, m.column(StepRecord::tau), Plot.Style.LINE)) {
            double[] ends = {done[0], done[done.length - 1]};
            p.add("τ = steps (no gain)", ends, ends, Plot.Style.DASHED, Plot.FAINT);
        }
        return p;
    }

    /** The global batch of each step (adaptive or growing batch); {@code loggedBatch} where a step lacks one. */
    Plot globalBatch(double loggedBatch) {
        double[] b = m.globalBatches(loggedBatch);
        Plot p = againstStep("Global batch B", "examples per step", b);
        p.add("B", steps, b, Plot.Style.LINE);
        return p;
    }

    /** The predicted goodput of each batch choice of an adaptive run, against the step it was made after. */
    Plot goodput() {
        var c = m.batchChoices();
        Plot p = Plot.create("Goodput of the chosen batch", "step", "goodput, base-batch examples/s", false, false);
        p.add("predicted goodput", c.stream().mapToDouble(BatchChoiceRecord::step).toArray(),
                c.stream().mapToDouble(BatchChoiceRecord::goodput).toArray(), Plot.Style.LINE_POINTS);
        return p;
    }

    /**
     * Median time of each phase per window (about {@value SeriesMath#TARGET_POINTS}/2 windows: step times are
     * noisy); log scale when the phases span two decades.
     */
    Plot stepTimes() {
        int w = SeriesMath.window(2 * steps.length);
        Map<String, double[][]> medians = new LinkedHashMap<>();
        for (String[] t : TIMINGS) {
            medians.put(t[1], SeriesMath.windowMedians(steps, m.column(s -> s.timing(t[0])), w));
        }
        boolean log = SeriesMath.positiveSpan(medians.values().stream().map(v -> v[1]).toArray(double[][]::new)) >= SeriesMath.LOG_SPAN;
        Plot p = Plot.create("Step time breakdown", "step", "milliseconds" + scaleNote(log, w), false, log);
        medians.forEach((name, med) -> p.add(name, med[0], med[1], Plot.Style.LINE));
        return p;
    }

    /** A chart against the step, on a log y axis when {@code y} spans {@link SeriesMath#LOG_SPAN}. */
    private static Plot againstStep(String title, String yTitle, double[] y) {
        boolean log = SeriesMath.spansDecades(SeriesMath.LOG_SPAN, y);
        return Plot.create(title, "step", yTitle + (log ? " (log scale)" : ""), false, log);
    }

    /** A noisy per-step series in grey with its EMA (geometric on a log axis) on top. */
    private Plot rawAndSmoothed(String title, String yTitle, String rawName, double[] y) {
        Plot p = againstStep(title, yTitle, y);
        p.add(rawName, steps, y, Plot.Style.THIN_LINE, Plot.FAINT);
        p.add((p.logY() ? "geometric " : "") + "EMA over " + smoothing + " steps", steps,
                SeriesMath.smooth(y, smoothing, p.logY()), Plot.Style.LINE);
        return p;
    }

    private static String scaleNote(boolean log, int window) {
        List<String> notes = new ArrayList<>();
        if (log) {
            notes.add("log scale");
        }
        if (window > 1) {
            notes.add("median of " + window + " steps");
        }
        return notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")";
    }

    /** Red diamonds at the divergence steps, at the series value there (or its largest finite value). */
    private void markDivergences(Plot p, double[] series) {
        if (m.divergences().isEmpty()) {
            return;
        }
        double top = java.util.Arrays.stream(series).filter(Double::isFinite).max().orElse(1);
        double[] x = m.divergences().stream().mapToDouble(DivergenceRecord::step).toArray();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int at = java.util.Arrays.binarySearch(steps, x[i]);
            y[i] = at >= 0 && Double.isFinite(series[at]) ? series[at] : top;
        }
        p.mark("divergence", x, y, SeriesMarkers.DIAMOND);
    }
}
