package io.lockstep.spark.ml;

import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fit did: how it ended, how many steps it applied, the mean training loss of every epoch's steps,
 * and every evaluation (per epoch: "train" unless {@code evalTrain} is off, "validation" with a
 * {@code validationFraction}), in order, and every diverged step with what was done about it.
 *
 * @param outcome     {@link TrainResult.Outcome} name
 * @param steps       steps whose update was applied
 * @param epochLoss   mean step loss of each epoch, epoch 0 first
 * @param evaluations every evaluation, in order
 * @param divergences every divergence, in order (action "halt" or "rollback"); empty if none
 */
public record TrainingHistory(String outcome, long steps, List<Double> epochLoss, List<EvalMetrics> evaluations,
                              List<DivergenceEvent> divergences) implements Serializable {
    public TrainingHistory {
        epochLoss = List.copyOf(epochLoss);
        evaluations = List.copyOf(evaluations);
        divergences = divergences == null ? List.of() : List.copyOf(divergences);
    }

    /** The history of a model not fitted by {@link LockstepClassifier} (e.g. loaded from a model zip): outcome "none". */
    public static TrainingHistory none() {
        return new TrainingHistory("none", 0, List.of(), List.of(), List.of());
    }

    /** Collects the per-epoch step losses of a run (a {@link TrainListener}). */
    static final class Recorder implements TrainListener {
        private final List<Double> epochLoss = new ArrayList<>();
        private int epoch = -1;
        private double sum;
        private long count;

        @Override
        public void onStep(StepMetrics m) {
            if (m.epoch() != epoch) {
                flush();
                epoch = m.epoch();
            }
            sum += m.stats().loss();
            count++;
        }

        private void flush() {
            if (count > 0) {
                epochLoss.add(sum / count);
            }
            sum = 0;
            count = 0;
        }

        TrainingHistory history(TrainResult r) {
            flush();
            return new TrainingHistory(r.outcome().name(), r.steps(), epochLoss, r.evaluations(), r.divergences());
        }
    }
}
