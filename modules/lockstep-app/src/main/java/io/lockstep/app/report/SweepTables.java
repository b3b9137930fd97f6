package io.lockstep.app.report;

import io.lockstep.noise.CriticalBatchFit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The tables of a sweep report. */
final class SweepTables {
    private SweepTables() {
    }

    /** Every run with the summary columns that matter. */
    static void runs(HtmlPage page, List<SweepRow> rows) {
        List<String> header = List.of("run", "status", "B", "lr", "scaling", "peak lr", "warmup", "optimizer",
                "steps", "steps to target", "examples to target", "best val acc", "final test acc",
                "final train loss", "peak loss", "diverged at", "B_simple (last epoch)", "wall s", "error");
        page.table(header, rows.stream().map(r -> List.of(r.run(), r.status(), Integer.toString(r.globalBatch()),
                Format.num(r.lr()), r.lrScaling(), Format.num(r.peakLr()), SweepAnalysis.variant(r)
                        .replaceFirst("^[a-z]+ scaling, ", ""), r.optimizer(), Format.num(r.steps()),
                Format.num(r.stepsToTarget()), Format.num(r.examplesToTarget()), Format.percent(r.bestValAccuracy()),
                Format.percent(r.finalTestAccuracy()), Format.num(r.finalTrainLoss()), Format.num(r.peakLoss()),
                Format.num(r.divergedStep()), Format.rounded(r.bSimpleLastEpoch(), 0),
                Format.num(r.wallSeconds()), r.cells().getOrDefault("error", ""))).toList());
    }

    /** The fastest run per batch size, and the fitted steps when there is a fit. */
    static void fastest(HtmlPage page, List<SweepRow> fastest, CriticalBatchFit.Result fit) {
        page.table(List.of("B", "fastest run", "peak lr", "steps to target", "examples to target", "fitted steps",
                "residual"), fastest.stream().map(r -> List.of(Integer.toString(r.globalBatch()), r.run(),
                Format.num(r.effectiveLr()), Format.num(r.stepsToTarget()), Format.num(r.examplesNeeded()),
                fit == null ? "–" : Format.rounded(fit.steps(r.globalBatch()), 0),
                fit == null ? "–" : Format.percent(r.stepsToTarget() / fit.steps(r.globalBatch()) - 1))).toList());
    }

    /** Best learning rate and divergence edge per batch size. */
    static void learningRates(HtmlPage page, Map<Integer, SweepRow> best, Map<Integer, Double> edge) {
        TreeSet<Integer> batches = new TreeSet<>(best.keySet());
        batches.addAll(edge.keySet());
        List<List<String>> rows = new ArrayList<>();
        for (int b : batches) {
            SweepRow r = best.get(b);
            rows.add(List.of(Integer.toString(b), r == null ? "–" : Format.num(r.effectiveLr()),
                    r == null ? "–" : Format.percent(r.bestValAccuracy()), r == null ? "–" : r.run(),
                    edge.containsKey(b) ? Format.num(edge.get(b)) : "none diverged"));
        }
        page.table(List.of("B", "best peak lr", "best val acc", "run", "divergence edge (lr)"), rows);
    }

    /** The runs of one warmup / scaling group and the outcomes that matter for an ablation. */
    static void variants(HtmlPage page, String title, List<SweepRow> group, boolean seeds) {
        List<String> header = new ArrayList<>(List.of(title, "run", "status", "peak lr", "peak loss", "diverged at",
                "final test acc"));
        if (seeds) {
            header.add(2, "seed");
        }
        page.table(header, group.stream().map(r -> {
            List<String> row = new ArrayList<>(List.of(SweepAnalysis.variant(r), r.run(), r.status(),
                    Format.num(r.effectiveLr()), Format.num(r.peakLoss()), Format.num(r.divergedStep()),
                    Format.percent(r.finalTestAccuracy())));
            if (seeds) {
                row.add(2, r.cells().getOrDefault("seed", ""));
            }
            return row;
        }).toList());
    }
}
