package io.lockstep.spark;

import io.lockstep.metrics.EvalMetrics;
import java.util.List;

/**
 * The outcome of {@link SyncTrainer#fit}: the final flat parameters, the number of steps taken and
 * every evaluation made (empty if no evaluation set was given).
 */
public record TrainResult(float[] params, long steps, List<EvalMetrics> evaluations) {
    public TrainResult {
        evaluations = List.copyOf(evaluations);
    }

    /** The last evaluation, if any. */
    public java.util.Optional<EvalMetrics> finalEvaluation() {
        return evaluations.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(evaluations.get(evaluations.size() - 1));
    }
}
