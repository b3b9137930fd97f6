package io.lockstep.perf;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A predicted step time compared with a measured run's (median, or the quantile the summaries were taken at), and
 * predicted steps to the target compared with the run's when both are known.
 *
 * @param run             the measured run's steady state
 * @param predictedMillis the model's T(B, P) for the run's B and P
 * @param fitted          true when the model was fitted to this very run (not a held-out check)
 * @param predictedSteps  S(B) of the steps model for the run's B, NaN without a steps model
 */
public record PredictionCheck(RunSummary run, double predictedMillis, boolean fitted, double predictedSteps) {
    /** Measured step time (the summary's quantile, normally the median). */
    public double measuredMillis() {
        return run.stepMillis();
    }

    /** (predicted − measured) / measured. */
    public double relativeError() {
        return (predictedMillis - measuredMillis()) / measuredMillis();
    }

    /** Steps the run needed to reach its target, NaN when it has none. */
    public double measuredSteps() {
        return run.run().stepsToTarget().isPresent() ? run.run().stepsToTarget().getAsLong() : Double.NaN;
    }

    /** (predicted − measured) / measured steps to target; NaN unless both are known. */
    public double stepsError() {
        return (predictedSteps - measuredSteps()) / measuredSteps();
    }

    /**
     * Checks the models against each run (which must train a model of the same size); a run whose name is that of
     * one of {@code fittedRuns} is marked as fitted.
     *
     * @param steps the steps model, or null
     */
    public static List<PredictionCheck> against(StepTimeModel model, StepsModel steps, List<RunSummary> fittedRuns,
                                                List<RunSummary> runs) {
        Set<String> fittedNames = fittedRuns.stream().map(r -> r.run().name()).collect(Collectors.toSet());
        return runs.stream().map(r -> {
            if (r.run().params() != model.params()) {
                throw new IllegalArgumentException(r.run().name() + " trains a model of " + r.run().params()
                        + " params; the step-time model was fitted for " + model.params());
            }
            return new PredictionCheck(r, model.predict(r.run().globalBatch(), r.run().workers()).totalMillis(),
                    fittedNames.contains(r.run().name()), steps == null ? Double.NaN : steps.steps(r.run().globalBatch()));
        }).toList();
    }

    /** Mean of |relative error| over the held-out checks (those not fitted); NaN when there are none. */
    public static double meanAbsoluteError(List<PredictionCheck> checks) {
        return checks.stream().filter(c -> !c.fitted()).mapToDouble(c -> Math.abs(c.relativeError())).average()
                .orElse(Double.NaN);
    }

    /** The number of held-out checks. */
    public static long heldOut(List<PredictionCheck> checks) {
        return checks.stream().filter(c -> !c.fitted()).count();
    }
}
