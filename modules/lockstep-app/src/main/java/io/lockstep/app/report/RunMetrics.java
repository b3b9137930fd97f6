package io.lockstep.app.report;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The typed content of one metrics.jsonl: steps in step order (the last line per step wins, as after a
 * resume), evaluations in step order, divergence events and an adaptive run's batch choices in step order.
 */
record RunMetrics(List<StepRecord> steps, List<EvalRecord> evals, List<DivergenceRecord> divergences,
                  List<BatchChoiceRecord> batchChoices) {

    /** Steps over which {@link #finalTrainLoss()} averages. */
    static final int FINAL_LOSS_STEPS = 50;

    RunMetrics {
        steps = List.copyOf(steps);
        evals = List.copyOf(evals);
        divergences = List.copyOf(divergences);
        batchChoices = List.copyOf(batchChoices);
    }

    /** The evaluations of one set ("train", "validation" or "test"), in step order. */
    List<EvalRecord> evals(String set) {
        return evals.stream().filter(e -> e.set().equals(set)).toList();
    }

    /** The highest accuracy reached on a set, if it was ever evaluated. */
    OptionalDouble bestAccuracy(String set) {
        return evals(set).stream().mapToDouble(EvalRecord::accuracy).filter(Double::isFinite).max();
    }

    /** Mean finite step loss over the last {@value #FINAL_LOSS_STEPS} steps. */
    OptionalDouble finalTrainLoss() {
        return steps.subList(Math.max(0, steps.size() - FINAL_LOSS_STEPS), steps.size()).stream()
                .mapToDouble(StepRecord::loss).filter(Double::isFinite).average();
    }

    /** Each step's global batch: its {@code global_batch}, else {@code logged} (run.json's, for older runs). */
    double[] globalBatches(double logged) {
        return column(s -> Double.isNaN(s.globalBatch()) ? logged : s.globalBatch());
    }

    /** The step values of a field as an array, in step order. */
    double[] column(java.util.function.ToDoubleFunction<StepRecord> field) {
        return steps.stream().mapToDouble(field).toArray();
    }
}
