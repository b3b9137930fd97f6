package io.lockstep.spark;

import io.lockstep.metrics.BatchChoice;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.TargetReached;
import io.lockstep.metrics.TrainPlan;

/** Receives a run's progress on the driver (metrics files, progress bars, sweeps). All methods are optional. */
public interface TrainListener {
    /** Called once, before the first step. */
    default void onStart(TrainPlan plan) {}

    /** Called after every synchronized update. */
    default void onStep(StepMetrics metrics) {}

    /** Called before an evaluation of {@code set} ({@code examples} of them) after {@code step} starts. */
    default void onEvalStart(String set, int examples, long step) {}

    /** Called after every evaluation. */
    default void onEval(EvalMetrics metrics) {}

    /** Called when a step diverged, before the trainer halts or rolls back. */
    default void onDivergence(DivergenceEvent event) {}

    /** Called once when a validation evaluation first reaches the target accuracy; training then stops. */
    default void onTargetReached(TargetReached event) {}

    /** Called when an adaptive run chooses its global batch (every few steps, also when it stays the same). */
    default void onBatchChoice(BatchChoice choice) {}

    /** A listener that ignores everything. */
    TrainListener NONE = new TrainListener() {};
}
