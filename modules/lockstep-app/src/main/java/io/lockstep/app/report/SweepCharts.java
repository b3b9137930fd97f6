package io.lockstep.app.report;

import io.lockstep.noise.CriticalBatchFit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of a sweep report, one method each; batch-size axes are logarithmic. */
final class SweepCharts {
    private static final String BATCH = "global batch size B (log scale)";
    private static final int CURVE_POINTS = 60;

    private SweepCharts() {
    }

    /** Steps to the target vs B: every run that reached it, the fastest per B, and the fitted curve. */
    static Plot stepsToTarget(List<SweepRow> reached, List<SweepRow> fastest, CriticalBatchFit.Result fit) {
        Plot p = Plot.create("Steps to target vs batch size", BATCH, "steps to target (log scale)", true, true);
        p.add("reached target", col(reached, SweepRow::globalBatch),
                col(reached, SweepRow::stepsToTarget), Plot.Style.POINTS, Plot.FAINT);
        p.add("fastest per B", col(fastest, SweepRow::globalBatch), col(fastest,
                SweepRow::stepsToTarget), Plot.Style.LINE_POINTS);
        if (fit != null && fit.bCrit() > 0) {
            double[] b = curveRange(fastest, fit);
            double[] s = java.util.Arrays.stream(b).map(fit::steps).toArray();
            p.add("fitted curve", b, s, Plot.Style.DASHED, Plot.ALERT);
            p.mark("B_crit = " + Format.num(fit.bCrit()), new double[] {fit.bCrit()},
                    new double[] {2 * fit.sMin()}, SeriesMarkers.DIAMOND);
        }
        return p;
    }

    /** Examples to the target (E = B·S) vs B, with the fitted E = E_min(1 + B/B_crit). */
    static Plot examplesToTarget(List<SweepRow> reached, List<SweepRow> fastest, CriticalBatchFit.Result fit) {
        Plot p = Plot.create("Examples to target vs batch size", BATCH, "examples to target (log scale)", true, true);
        p.add("reached target", col(reached, SweepRow::globalBatch), col(reached, SweepRow::examplesNeeded),
                Plot.Style.POINTS, Plot.FAINT);
        p.add("fastest per B", col(fastest, SweepRow::globalBatch),
                col(fastest, SweepRow::examplesNeeded), Plot.Style.LINE_POINTS);
        if (fit != null && fit.bCrit() > 0) {
            double[] b = curveRange(fastest, fit);
            double[] e = java.util.Arrays.stream(b).map(x -> x * fit.steps(x)).toArray();
            p.add("fitted curve", b, e, Plot.Style.DASHED, Plot.ALERT);
        }
        return p;
    }

    /** The tried learning rates per B, the best one (highest validation accuracy) and the divergence edge. */
    static Plot learningRates(List<SweepRow> rows, Map<Integer, SweepRow> best, Map<Integer, Double> edge) {
        Plot p = Plot.create("Best learning rate and divergence edge vs batch size", BATCH,
                "peak learning rate after scaling (log scale)", true, true);
        List<SweepRow> ok = rows.stream().filter(r -> !r.isDiverged()).toList();
        List<SweepRow> bad = rows.stream().filter(SweepRow::isDiverged).toList();
        p.add("tried", col(ok, SweepRow::globalBatch), col(ok, SweepRow::effectiveLr),
                Plot.Style.POINTS, Plot.FAINT);
        p.mark("diverged", col(bad, SweepRow::globalBatch), col(bad, SweepRow::effectiveLr), SeriesMarkers.CROSS);
        p.add("best lr", col(best.values(), SweepRow::globalBatch),
                col(best.values(), SweepRow::effectiveLr), Plot.Style.LINE_POINTS);
        p.add("divergence edge", edge.keySet().stream().mapToDouble(Integer::doubleValue)
                .toArray(), edge.values().stream().mapToDouble(Double::doubleValue).toArray(), Plot.Style.LINE_POINTS,
                Plot.ALERT);
        return p;
    }

    /** Training loss of a group of runs over their first {@code steps} steps, unsmoothed. */
    static Plot lossEarly(String title, Map<String, RunMetrics> runs, long steps) {
        boolean log = runs.values().stream().anyMatch(m -> SeriesMath.spansDecades(SeriesMath.LOG_SPAN, m.column(StepRecord::loss)));
        Plot p = Plot.create(title + ": first " + steps + " steps", "step", "training loss (batch mean"
                + (log ? ", log scale)" : ")"), false, log);
        runs.forEach((name, m) -> {
            List<StepRecord> early = m.steps().stream().filter(s -> s.step() < steps).toList();
            p.add(name, col(early, StepRecord::step), col(early, StepRecord::loss), Plot.Style.LINE);
        });
        return p;
    }

    /** Training loss of a group of runs over the whole run, EMA-smoothed. */
    static Plot lossWhole(String title, Map<String, RunMetrics> runs) {
        boolean log = runs.values().stream().anyMatch(m -> SeriesMath.spansDecades(SeriesMath.LOG_SPAN, m.column(StepRecord::loss)));
        int span = runs.values().stream().mapToInt(m -> Math.max(5, m.steps().size() / 50)).max().orElse(5);
        Plot p = Plot.create(title + ": whole run", "step", "training loss, EMA over " + span + " steps"
                + (log ? " (log scale)" : ""), false, log);
        runs.forEach((name, m) -> p.add(name, m.column(StepRecord::step), SeriesMath.ema(m.column(StepRecord::loss),
                span), Plot.Style.LINE));
        return p;
    }

    /** B_simple (mean over each run's last epoch) vs B, with the fitted B_crit. */
    static Plot noiseScaleVsBatch(List<SweepRow> rows, CriticalBatchFit.Result fit) {
        Plot p = Plot.create("Measured noise scale vs fitted critical batch", BATCH,
                "B_simple, last epoch (log scale)", true, true);
        p.add("runs", col(rows, SweepRow::globalBatch), col(rows, SweepRow::bSimpleLastEpoch),
                Plot.Style.POINTS);
        double lo = rows.stream().mapToDouble(SweepRow::globalBatch).min().orElse(1);
        double hi = rows.stream().mapToDouble(SweepRow::globalBatch).max().orElse(1);
        if (fit != null && fit.bCrit() > 0) {
            p.horizontal("B_crit = " + Format.num(fit.bCrit()), fit.bCrit(), lo, hi, Plot.ALERT);
        }
        return p;
    }

    /** B_simple over training (against examples seen, comparable across B) for a few runs. */
    static Plot noiseScaleOverTime(Map<String, RunMetrics> runs, CriticalBatchFit.Result fit) {
        Plot p = Plot.create("Noise scale during training", "examples processed", "B_simple (log scale)", false, true);
        double maxExamples = 0;
        for (var e : runs.entrySet()) {
            double[] x = e.getValue().column(StepRecord::examples);
            p.add(e.getKey(), x, e.getValue().column(StepRecord::bSimple), Plot.Style.LINE);
            maxExamples = Math.max(maxExamples, x.length == 0 ? 0 : x[x.length - 1]);
        }
        if (!p.isEmpty() && fit != null && fit.bCrit() > 0) {
            p.horizontal("B_crit = " + Format.num(fit.bCrit()), fit.bCrit(), 0, maxExamples, Plot.ALERT);
        }
        return p;
    }

    /** Final test accuracy vs B, one line per optimizer / scaling rule (best run per B). */
    static Plot testAccuracy(Map<String, Map<Integer, Double>> byRule) {
        Plot p = Plot.create("Final test accuracy vs batch size", BATCH, "final test accuracy (fraction correct)",
                true, false);
        byRule.forEach((rule, perBatch) -> p.add(rule, perBatch.keySet().stream().mapToDouble(Integer::doubleValue)
                .toArray(), perBatch.values().stream().mapToDouble(Double::doubleValue).toArray(),
                Plot.Style.LINE_POINTS));
        return p;
    }

    private static double[] curveRange(List<SweepRow> fastest, CriticalBatchFit.Result fit) {
        double lo = Math.min(fit.bCrit(), fastest.stream().mapToDouble(SweepRow::globalBatch).min().orElse(1)) / 2;
        double hi = Math.max(fit.bCrit(), fastest.stream().mapToDouble(SweepRow::globalBatch).max().orElse(1)) * 2;
        return SeriesMath.logSpace(lo, hi, CURVE_POINTS);
    }

    private static <T> double[] col(Collection<T> items, ToDoubleFunction<T> f) {
        return items.stream().mapToDouble(f).toArray();
    }
}
