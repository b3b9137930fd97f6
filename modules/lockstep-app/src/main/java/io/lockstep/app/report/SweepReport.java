package io.lockstep.app.report;

import io.lockstep.noise.CriticalBatchFit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Assembles the report of a sweep directory (summary.csv, runs/&lt;run&gt;/metrics.jsonl, sweep.yaml). */
final class SweepReport {
    /** At most this many warmup / scaling groups get loss overlays (every group gets its table). */
    static final int MAX_GROUPS = 3;
    /** At most this many runs in the B_simple-over-time chart. */
    static final int MAX_NOISE_RUNS = 6;

    private final Path dir;
    private final SweepAnalysis sweep;
    private final SweepAnalysis.FitOutcome fit;
    private final Map<String, Optional<RunMetrics>> metrics = new HashMap<>();

    private SweepReport(Path dir, List<SweepRow> rows) {
        this.dir = dir;
        this.sweep = new SweepAnalysis(rows);
        this.fit = sweep.criticalBatchFit();
    }

    /** Reads the sweep directory and builds its page. */
    static HtmlPage build(Path dir) {
        return new SweepReport(dir, SummaryReader.read(dir.resolve("summary.csv"))).page();
    }

    private HtmlPage page() {
        Path abs = dir.toAbsolutePath().normalize();
        HtmlPage page = new HtmlPage("Sweep report: " + (abs.getFileName() == null ? abs : abs.getFileName()));
        page.header(abs + " · " + sweep.rows().size() + " runs");
        page.keyNumbers(keyNumbers());
        spec(page);
        page.heading("Runs");
        if (sweep.rows().isEmpty()) {
            page.note("summary.csv has no runs yet.");
            return page;
        }
        SweepTables.runs(page, sweep.rows());
        stepsToTarget(page);
        learningRates(page);
        warmup(page);
        noiseScale(page);
        testAccuracy(page);
        return page;
    }

    private Map<String, String> keyNumbers() {
        List<SweepRow> rows = sweep.rows();
        Map<String, String> k = new LinkedHashMap<>();
        k.put("runs", Integer.toString(rows.size()));
        for (String status : List.of("finished", "diverged", "failed")) {
            k.put(status, Long.toString(rows.stream().filter(r -> r.status().equals(status)).count()));
        }
        String targets = sweep.targets();
        k.put("target accuracy", targets.isEmpty() ? "none" : targets);
        k.put("reached target", Integer.toString(sweep.reachedTarget().size()));
        k.put("batch sizes", Long.toString(sweep.distinctBatches(r -> true)));
        if (fit.ok()) {
            k.put("B_crit (fit)", Format.rounded(fit.result().bCrit(), 0));
            k.put("S_min (fit)", Format.rounded(fit.result().sMin(), 0));
        }
        return k;
    }

    private void spec(HtmlPage page) {
        Path yaml = dir.resolve("sweep.yaml");
        if (Files.isRegularFile(yaml)) {
            try {
                page.preformatted("Sweep spec (sweep.yaml)", Files.readString(yaml));
            } catch (IOException e) {
                throw new ReportException("cannot read " + yaml + ": " + e.getMessage(), e);
            }
        }
    }

    private void stepsToTarget(HtmlPage page) {
        page.heading("Steps to target vs batch size");
        if (sweep.targets().isEmpty()) {
            page.note("The sweep has no target accuracy (stop: target-accuracy), so there are no steps-to-target.");
            return;
        }
        List<SweepRow> reached = sweep.reachedTarget();
        if (reached.isEmpty()) {
            page.note("No run reached the target accuracy (" + sweep.targets() + ").");
            return;
        }
        List<SweepRow> fastest = sweep.fastestPerBatch();
        CriticalBatchFit.Result result = fit.result();
        page.paragraph(fitSummary(fastest));
        SweepTables.fastest(page, fastest, fit.ok() ? result : null);
        if (fastest.size() < 2) {
            return;
        }
        page.chart(SweepCharts.stepsToTarget(reached, fastest, result), "Each grey point is a run; the line "
                + "joins the fewest steps per B (the best-tuned learning rate); dashed: the fitted curve, whose "
                + "slope is −1 (perfect scaling) below B_crit and 0 (no gain) above.");
        page.chart(SweepCharts.examplesToTarget(reached, fastest, result), "Examples = steps × B: flat below "
                + "B_crit (each example is used as efficiently as at small B), rising linearly above.");
    }

    private String fitSummary(List<SweepRow> fastest) {
        if (fit.result() == null) {
            return "No fit of S = S_min(1 + B_crit/B): " + fit.problem() + ".";
        }
        CriticalBatchFit.Result r = fit.result();
        if (!fit.ok()) {
            return "The fitted B_crit is " + Format.num(r.bCrit()) + " ≤ 0: steps to target do not fall with B "
                    + "in this range, so there is no steps/examples trade-off to fit.";
        }
        return "Fit of S = S_min(1 + B_crit/B) to the fastest run at each of " + fastest.size()
                + " batch sizes (relative least squares): B_crit = " + Format.num(r.bCrit()) + ", S_min = "
                + Format.num(r.sMin()) + " steps, E_min = S_min·B_crit = " + Format.num(r.eMin())
                + " examples, weighted R² = " + Format.num(r.rSquared()) + "."
                + (fastest.size() == 2 ? " With two batch sizes the curve passes through both points exactly." : "");
    }

    private void learningRates(HtmlPage page) {
        page.heading("Learning rate vs batch size");
        if (sweep.distinctLearningRates() < 2) {
            page.note("Only one learning rate was tried: no best learning rate or divergence edge to show.");
            return;
        }
        var best = sweep.bestLrPerBatch();
        var edge = sweep.divergenceEdge();
        SweepTables.learningRates(page, best, edge);
        page.chartOrNote(SweepCharts.learningRates(sweep.rows(), best, edge), "Best lr: the healthy run with the "
                + "highest best validation accuracy at each B. Divergence edge: the smallest lr that diverged.",
                "no run has a learning rate");
    }

    private void warmup(HtmlPage page) {
        page.heading("Warmup and learning-rate scaling");
        List<List<SweepRow>> groups = sweep.warmupGroups();
        if (groups.isEmpty()) {
            page.note("No runs that differ only in warmup or learning-rate scaling.");
            return;
        }
        int charted = 0;
        for (List<SweepRow> group : groups) {
            if (warmupGroup(page, group, charted < MAX_GROUPS)) {
                charted++;
            }
        }
        if (charted > MAX_GROUPS) {
            page.note("Loss curves are drawn for the first " + MAX_GROUPS + " of these " + charted
                    + " groups (largest batch first).");
        }
    }

    /** The group's table and, if {@code draw}, its loss curves; returns whether it has curves to draw. */
    private boolean warmupGroup(HtmlPage page, List<SweepRow> group, boolean draw) {
        SweepRow first = group.get(0);
        String title = "B = " + first.globalBatch() + ", lr = " + Format.num(first.lr());
        boolean seeds = group.stream().map(r -> r.cells().getOrDefault("seed", "")).distinct().count() > 1;
        Map<String, RunMetrics> curves = new LinkedHashMap<>();
        for (SweepRow r : group) {
            String variant = SweepAnalysis.variant(r) + (seeds ? ", seed " + r.cells().get("seed") : "");
            String label = curves.containsKey(variant) ? variant + " (" + r.run() + ")" : variant;
            runMetrics(r).ifPresent(m -> curves.put(label, m));
        }
        SweepTables.variants(page, title, group, seeds);
        if (curves.values().stream().allMatch(m -> m.steps().size() < 2)) {
            page.note(title + ": no run has two or more steps in a metrics.jsonl under runs/, so no loss curves.");
            return false;
        }
        if (draw) {
            page.chart(SweepCharts.lossEarly(title, curves, earlySteps(group, curves)), "Raw step loss early in "
                    + "training, where warmup acts: spikes here are what warmup is meant to prevent.");
            page.chart(SweepCharts.lossWhole(title, curves), "Smoothed step loss over the whole run.");
        }
        return true;
    }

    /** Three times the longest warmup (at least 50 steps), capped by the longest run. */
    private static long earlySteps(List<SweepRow> group, Map<String, RunMetrics> curves) {
        double warm = group.stream().mapToDouble(SweepRow::warmupSteps).filter(Double::isFinite).max().orElse(0);
        long longest = curves.values().stream().mapToLong(m -> m.steps().size()).max().orElse(1);
        long wanted = warm > 0 ? Math.max(50, (long) (3 * warm)) : 100;
        return Math.max(1, Math.min(wanted, longest));
    }

    private void noiseScale(HtmlPage page) {
        page.heading("Gradient noise scale vs critical batch");
        List<SweepRow> measured = sweep.rows().stream().filter(r -> Double.isFinite(r.bSimpleLastEpoch())).toList();
        if (measured.isEmpty()) {
            page.note("No run recorded B_simple (it needs 2 or more workers or micro-batches).");
            return;
        }
        CriticalBatchFit.Result result = fit.ok() ? fit.result() : null;
        page.paragraph(result == null ? "No fitted B_crit to compare with (see Steps to target)."
                : "McCandlish et al. (2018) predict B_simple ≈ B_crit within an order of magnitude; fitted B_crit = "
                        + Format.num(result.bCrit()) + ", median B_simple over the runs' last epochs = "
                        + Format.num(SeriesMath.median(measured.stream().mapToDouble(SweepRow::bSimpleLastEpoch)
                        .toArray())) + ".");
        page.chart(SweepCharts.noiseScaleVsBatch(measured, result), "B_simple averaged over each run's last epoch.");
        page.chartOrNote(SweepCharts.noiseScaleOverTime(noiseRuns(measured), result), "B_simple during "
                + "training for one run per batch size (the best by validation accuracy); it grows as the loss falls.",
                "no metrics.jsonl with B_simple under runs/");
    }

    /** One run per batch size (the healthiest, best by validation accuracy), at most {@value #MAX_NOISE_RUNS}. */
    private Map<String, RunMetrics> noiseRuns(List<SweepRow> measured) {
        Map<Integer, SweepRow> perBatch = new TreeMap<>();
        for (SweepRow r : measured) {
            perBatch.merge(r.globalBatch(), r, (a, b) -> rank(b) > rank(a) ? b : a);
        }
        List<SweepRow> chosen = new ArrayList<>(perBatch.values());
        int n = chosen.size();
        Map<String, RunMetrics> out = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(n, MAX_NOISE_RUNS); i++) {
            SweepRow r = chosen.get(n <= MAX_NOISE_RUNS ? i : (int) Math.round(i * (n - 1.0) / (MAX_NOISE_RUNS - 1)));
            runMetrics(r).ifPresent(m -> out.put("B = " + r.globalBatch(), m));
        }
        return out;
    }

    private static double rank(SweepRow r) {
        return (r.isHealthy() ? 10 : 0) + (Double.isFinite(r.bestValAccuracy()) ? r.bestValAccuracy() : 0);
    }

    private void testAccuracy(HtmlPage page) {
        page.heading("Final test accuracy vs batch size");
        if (sweep.distinctBatches(r -> Double.isFinite(r.finalTestAccuracy())) < 2) {
            page.note("Final test accuracies exist for fewer than 2 batch sizes.");
            return;
        }
        page.chart(SweepCharts.testAccuracy(sweep.testAccuracyByRule()), "Best final test accuracy over the runs "
                + "at each B, per optimizer / scaling rule: the generalization gap and the reach of each rule.");
    }

    private Optional<RunMetrics> runMetrics(SweepRow r) {
        return metrics.computeIfAbsent(r.run(), name -> {
            Path runs = dir.resolve("runs").normalize();
            Path file = runs.resolve(name).normalize().resolve("metrics.jsonl");
            return file.startsWith(runs) && Files.isRegularFile(file) ? Optional.of(MetricsReader.read(file))
                    : Optional.empty();
        });
    }
}
