package io.lockstep.app.train;

import io.lockstep.metrics.BatchChoice;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.TargetReached;
import io.lockstep.metrics.TrainPlan;
import io.lockstep.spark.TrainListener;
import java.util.List;

/** Fans one run's events out to several listeners, in order. */
record Listeners(List<TrainListener> all) implements TrainListener {
    @Override
    public void onStart(TrainPlan plan) { all.forEach(l -> l.onStart(plan)); }

    @Override
    public void onStep(StepMetrics m) { all.forEach(l -> l.onStep(m)); }

    @Override
    public void onEvalStart(String set, int examples, long step) { all.forEach(l -> l.onEvalStart(set, examples, step)); }

    @Override
    public void onEval(EvalMetrics m) { all.forEach(l -> l.onEval(m)); }

    @Override
    public void onDivergence(DivergenceEvent d) { all.forEach(l -> l.onDivergence(d)); }

    @Override
    public void onTargetReached(TargetReached t) { all.forEach(l -> l.onTargetReached(t)); }

    @Override
    public void onBatchChoice(BatchChoice c) { all.forEach(l -> l.onBatchChoice(c)); }
}
