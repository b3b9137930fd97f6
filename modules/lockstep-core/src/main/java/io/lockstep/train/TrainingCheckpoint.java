package io.lockstep.train;

import io.lockstep.adaptive.AdaScale;
import io.lockstep.adaptive.AdaptiveBatchPlan;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.optim.ParameterUpdate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to continue a run exactly as if it had never stopped: the step to run next,
 * parameters, optimizer state (incl. the previous learning rate for momentum correction), the
 * noise-scale EMAs, the divergence guard and rollback factor, early-stopping progress, the best
 * parameters so far, and the caller's metadata (e.g. the resolved configuration as JSON). The data
 * order needs no state of its own: {@code BatchPlan} derives every batch from (N, B, seed, step) — for an
 * adaptive batch from (N, seed, the recorded batch sizes), which the checkpoint carries.
 * Stored as plain data, never Java-serialized: {@link CheckpointFormat}.
 *
 * @param nextStep      0-based index of the first step still to run
 * @param params        parameters before {@code nextStep}
 * @param optimizer     optimizer state
 * @param noise         noise-scale estimator state
 * @param guard         divergence guard state
 * @param lrFactor      rollback factor on the scheduled learning rate
 * @param rollbacks     rollbacks so far
 * @param bestLoss      best validation loss so far (+∞ if none)
 * @param sinceBest     evaluations since the best
 * @param bestParams    parameters at the best validation loss, or null
 * @param metadata      caller's metadata (string keys and values)
 * @param lastGood      the state the divergence guard falls back to if step {@code nextStep} diverges, or
 *                      null (then the checkpoint itself is the fallback)
 * @param adaScale      AdaScale's state (τ and its averages), or null when the run does not use it
 * @param batchHistory  an adaptive run's global batches of steps 0..nextStep (the next one is chosen already),
 *                      or null when the batch is not adaptive
 */
public record TrainingCheckpoint(long nextStep, float[] params, ParameterUpdate.Snapshot optimizer,
                                 NoiseScaleEstimator.State noise, DivergenceGuard guard, double lrFactor, int rollbacks,
                                 double bestLoss, int sinceBest, float[] bestParams, Map<String, String> metadata,
                                 LastGood lastGood, AdaScale.State adaScale,
                                 List<AdaptiveBatchPlan.Segment> batchHistory) {
    public TrainingCheckpoint {
        batchHistory = batchHistory == null ? null : List.copyOf(batchHistory);
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(noise, "noise");
        Objects.requireNonNull(guard, "guard");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A checkpoint of a run without an adaptive batch. */
    public TrainingCheckpoint(long nextStep, float[] params, ParameterUpdate.Snapshot optimizer,
                              NoiseScaleEstimator.State noise, DivergenceGuard guard, double lrFactor, int rollbacks,
                              double bestLoss, int sinceBest, float[] bestParams, Map<String, String> metadata,
                              LastGood lastGood, AdaScale.State adaScale) {
        this(nextStep, params, optimizer, noise, guard, lrFactor, rollbacks, bestLoss, sinceBest, bestParams, metadata,
                lastGood, adaScale, null);
    }

    /** A checkpoint of a run without AdaScale. */
    public TrainingCheckpoint(long nextStep, float[] params, ParameterUpdate.Snapshot optimizer,
                              NoiseScaleEstimator.State noise, DivergenceGuard guard, double lrFactor, int rollbacks,
                              double bestLoss, int sinceBest, float[] bestParams, Map<String, String> metadata,
                              LastGood lastGood) {
        this(nextStep, params, optimizer, noise, guard, lrFactor, rollbacks, bestLoss, sinceBest, bestParams, metadata,
                lastGood, null);
    }

    /** A checkpoint without a separate last good state. */
    public TrainingCheckpoint(long nextStep, float[] params, ParameterUpdate.Snapshot optimizer,
                              NoiseScaleEstimator.State noise, DivergenceGuard guard, double lrFactor, int rollbacks,
                              double bestLoss, int sinceBest, float[] bestParams, Map<String, String> metadata) {
        this(nextStep, params, optimizer, noise, guard, lrFactor, rollbacks, bestLoss, sinceBest, bestParams, metadata,
                null);
    }

    /**
     * The trainer's rollback target at the checkpoint: the state before the update of {@code step}
     * (normally {@code nextStep - 1}), whose loss was accepted. When the first step after a resume
     * diverges, the uninterrupted run would roll back (or halt) to this state, not to the checkpoint,
     * whose parameters are the ones that produced the bad loss.
     *
     * @param step      the step to continue from after falling back
     * @param params    parameters before that step's update
     * @param optimizer optimizer state then (null unless the divergence policy is rollback)
     * @param noise     noise-estimator state then (null unless the divergence policy is rollback)
     * @param guard     divergence guard then
     * @param adaScale  AdaScale's state then (null unless the policy is rollback and the run uses AdaScale)
     */
    public record LastGood(long step, float[] params, ParameterUpdate.Snapshot optimizer,
                           NoiseScaleEstimator.State noise, DivergenceGuard guard, AdaScale.State adaScale) {
        public LastGood {
            Objects.requireNonNull(params, "params");
            Objects.requireNonNull(guard, "guard");
        }

        /** A last good state of a run without AdaScale. */
        public LastGood(long step, float[] params, ParameterUpdate.Snapshot optimizer, NoiseScaleEstimator.State noise,
                        DivergenceGuard guard) {
            this(step, params, optimizer, noise, guard, null);
        }
    }
}
