package io.lockstep.app.report;

import io.lockstep.noise.CriticalBatchFit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What a sweep's summary rows say, per batch size: the numbers behind the sweep report's charts. */
final class SweepAnalysis {
    private final List<SweepRow> rows;

    SweepAnalysis(List<SweepRow> rows) {
        this.rows = List.copyOf(rows);
    }

    List<SweepRow> rows() {
        return rows;
    }

    /** Distinct global batch sizes among rows passing {@code filter}. */
    long distinctBatches(java.util.function.Predicate<SweepRow> filter) {
        return rows.stream().filter(filter).mapToInt(SweepRow::globalBatch).distinct().count();
    }

    /** Runs that reached the target accuracy, with a finite step count. */
    List<SweepRow> reachedTarget() {
        return rows.stream().filter(r -> r.reachedTarget() && r.stepsToTarget() > 0).toList();
    }

    /** For each B (ascending), the run that reached the target in the fewest steps: the best-tuned one. */
    List<SweepRow> fastestPerBatch() {
        Map<Integer, SweepRow> best = new TreeMap<>();
        for (SweepRow r : reachedTarget()) {
            best.merge(r.globalBatch(), r, (a, b) -> b.stepsToTarget() < a.stepsToTarget() ? b : a);
        }
        return new ArrayList<>(best.values());
    }

    /** Fits S = S_min(1 + B_crit/B) to the fastest run per batch size. */
    FitOutcome criticalBatchFit() {
        List<SweepRow> fastest = fastestPerBatch();
        if (fastest.size() < 2) {
            return FitOutcome.failed("needs runs that reached the target at 2 or more batch sizes (have "
                    + fastest.size() + ")");
        }
        double[] b = fastest.stream().mapToDouble(SweepRow::globalBatch).toArray();
        double[] s = fastest.stream().mapToDouble(SweepRow::stepsToTarget).toArray();
        try {
            return new FitOutcome(CriticalBatchFit.fit(b, s), "");
        } catch (IllegalArgumentException e) {
            return FitOutcome.failed(e.getMessage());
        }
    }

    /** For each B, the healthy run with the highest best validation accuracy (its lr is the best lr). */
    Map<Integer, SweepRow> bestLrPerBatch() {
        Map<Integer, SweepRow> best = new TreeMap<>();
        rows.stream().filter(r -> r.isHealthy() && Double.isFinite(r.bestValAccuracy())
                        && Double.isFinite(r.effectiveLr()))
                .forEach(r -> best.merge(r.globalBatch(), r,
                        (a, b) -> b.bestValAccuracy() > a.bestValAccuracy() ? b : a));
        return best;
    }

    /** For each B with a diverged run, the smallest learning rate that diverged. */
    Map<Integer, Double> divergenceEdge() {
        Map<Integer, Double> edge = new TreeMap<>();
        rows.stream().filter(r -> r.isDiverged() && Double.isFinite(r.effectiveLr()))
                .forEach(r -> edge.merge(r.globalBatch(), r.effectiveLr(), Math::min));
        return edge;
    }

    /** Distinct learning rates given (the {@code lr} column). */
    long distinctLearningRates() {
        return rows.stream().mapToDouble(SweepRow::lr).filter(Double::isFinite).distinct().count();
    }

    /**
     * Groups of runs that share every setting but warmup and LR scaling (and seed), and differ in those: a
     * warmup / scaling-rule ablation. Largest batch first.
     */
    List<List<SweepRow>> warmupGroups() {
        Map<String, List<SweepRow>> groups = new LinkedHashMap<>();
        rows.forEach(r -> groups.computeIfAbsent(sharedKey(r), k -> new ArrayList<>()).add(r));
        return groups.values().stream()
                .filter(g -> g.stream().map(SweepAnalysis::variant).distinct().count() > 1)
                .sorted(Comparator.comparingInt((List<SweepRow> g) -> g.get(0).globalBatch()).reversed()
                        .thenComparing(g -> -g.get(0).lr()))
                .toList();
    }

    /** The warmup / scaling setting that tells a run apart within its {@link #warmupGroups() group}. */
    static String variant(SweepRow r) {
        String warm = r.warmup().isEmpty() || r.warmup().equals("none") ? "no warmup"
                : r.warmup() + " warmup" + (r.warmupSteps() > 0 ? " " + Format.num(r.warmupSteps()) + " steps" : "");
        String scaling = r.lrScaling().isEmpty() ? "" : r.lrScaling().equals("none") ? "no scaling, "
                : r.lrScaling() + " scaling, ";
        return scaling + warm;
    }

    /**
     * Best final test accuracy per B, one series per optimizer / LR-scaling rule (named by whichever of the two
     * varies in the sweep).
     */
    Map<String, Map<Integer, Double>> testAccuracyByRule() {
        boolean optimizers = rows.stream().map(SweepRow::optimizer).distinct().count() > 1;
        boolean rules = rows.stream().map(SweepRow::lrScaling).distinct().count() > 1;
        Map<String, Map<Integer, Double>> out = new TreeMap<>();
        rows.stream().filter(r -> Double.isFinite(r.finalTestAccuracy())).forEach(r ->
                out.computeIfAbsent(ruleLabel(r, optimizers, rules), k -> new TreeMap<>())
                        .merge(r.globalBatch(), r.finalTestAccuracy(), Math::max));
        return out;
    }

    /** A human-readable summary of the distinct target accuracies. */
    String targets() {
        return rows.stream().mapToDouble(SweepRow::targetAccuracy).filter(Double::isFinite).distinct().sorted()
                .mapToObj(Format::percent).collect(Collectors.joining(", "));
    }

    private static String ruleLabel(SweepRow r, boolean optimizers, boolean rules) {
        List<String> parts = new ArrayList<>();
        if (optimizers) {
            parts.add(r.optimizer().isEmpty() ? "?" : r.optimizer());
        }
        if (rules) {
            parts.add((r.lrScaling().isEmpty() ? "?" : r.lrScaling()) + " scaling");
        }
        return parts.isEmpty() ? "best over the runs" : String.join(", ", parts);
    }

    private static String sharedKey(SweepRow r) {
        StringBuilder key = new StringBuilder().append(r.globalBatch()).append('|').append(r.optimizer())
                .append('|').append(r.lr());
        new TreeMap<>(r.params()).forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (!lower.contains("warmup") && !lower.contains("lr_scaling") && !lower.equals("p_seed")) {
                key.append('|').append(k).append('=').append(v);
            }
        });
        return key.toString();
    }

    /** A fit, or why there is none. */
    record FitOutcome(CriticalBatchFit.Result result, String problem) {
        static FitOutcome failed(String problem) {
            return new FitOutcome(null, problem);
        }

        boolean ok() {
            return result != null && result.bCrit() > 0;
        }
    }
}
