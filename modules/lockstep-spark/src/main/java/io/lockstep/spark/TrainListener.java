package io.lockstep.spark;

import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.TrainPlan;

/** Receives a run's progress on the driver (metrics files, progress bars, sweeps). All methods are optional. */
public interface TrainListener {
    /** Called once, before the first step. */
    default void onStart(TrainPlan plan) {}

    /** Called after every synchronized update. */
    default void onStep(StepMetrics metrics) {}

    /** Called after every evaluation on the held-out set. */
    default void onEval(EvalMetrics metrics) {}

    /** A listener that ignores everything. */
    TrainListener NONE = new TrainListener() {};
}
