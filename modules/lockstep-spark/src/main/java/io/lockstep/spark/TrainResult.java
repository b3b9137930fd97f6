package io.lockstep.spark;

import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.TargetReached;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link SyncTrainer#fit}.
 *
 * @param params      final parameters; after a halt on divergence, the last good ones (never NaN)
 * @param bestParams  parameters with the lowest validation loss, or null without a validation set
 * @param steps       steps whose update was applied
 * @param outcome     how the run ended
 * @param evaluations every evaluation made, in order
 * @param divergences every divergence event, in order
 * @param targetReached when the target accuracy was first reached, or null (no target, or not reached)
 */
public record TrainResult(float[] params, float[] bestParams, long steps, Outcome outcome,
                          List<EvalMetrics> evaluations, List<DivergenceEvent> divergences,
                          TargetReached targetReached) {
    /**
     * How a run ended. {@code INTERRUPTED}: stopped after a step on a {@link StopRequest} (resumable from
     * the checkpoint it then wrote, when it checkpoints).
     */
    public enum Outcome { COMPLETED, EARLY_STOPPED, TARGET_REACHED, DIVERGED, INTERRUPTED }

    public TrainResult {
        evaluations = List.copyOf(evaluations);
        divergences = List.copyOf(divergences);
    }

    /** The last evaluation of {@code set} ("train", "validation", "test"), if any. */
    public Optional<EvalMetrics> lastEvaluation(String set) {
        EvalMetrics last = null;
        for (EvalMetrics e : evaluations) {
            if (e.set().equals(set)) {
                last = e;
            }
        }
        return Optional.ofNullable(last);
    }
}
