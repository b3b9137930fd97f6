package io.lockstep.perf;

/**
 * The advisor's prediction for P executors and global batch B.
 *
 * @param workers     P
 * @param globalBatch B
 * @param time        predicted step time, term by term
 * @param efficiency  parallel efficiency T(B, 1) / (P·T(B, P)): 1 = perfect speed-up over one executor
 * @param steps       predicted steps to the target, NaN when there is no steps model
 * @param linkMillis  the {@linkplain DriverLink driver link}'s floor under the step time, 0 when not modelled
 */
public record Prediction(int workers, int globalBatch, StepTimeModel.StepTime time, double efficiency, double steps,
                         double linkMillis) {
    /** A prediction without a driver link floor. */
    public Prediction(int workers, int globalBatch, StepTimeModel.StepTime time, double efficiency, double steps) {
        this(workers, globalBatch, time, efficiency, steps, 0);
    }

    /** Predicted step time in ms: T(B, P), but at least the driver link's floor. */
    public double stepMillis() {
        return Math.max(time.totalMillis(), linkMillis);
    }

    /** True when the driver link's time exceeds the compute term: the link, not the tasks, bounds the step. */
    public boolean linkBound() {
        return linkMillis > time.computeMillis();
    }

    /** Training examples per second, B / T. */
    public double examplesPerSecond() {
        return globalBatch * 1000.0 / stepMillis();
    }

    /** Executor-milliseconds spent per training example, P·T / B. */
    public double executorMillisPerExample() {
        return workers * stepMillis() / globalBatch;
    }

    /** True when steps to target (and so examples and wall time to target) are predicted. */
    public boolean toTarget() {
        return Double.isFinite(steps);
    }

    /** Examples to the target, S·B (NaN without a steps model). */
    public double examples() {
        return steps * globalBatch;
    }

    /** Wall time to the target in seconds, S·T (NaN without a steps model). */
    public double wallSeconds() {
        return steps * stepMillis() / 1000.0;
    }

    /** Executor-seconds to the target, P·S·T: what the run costs (NaN without a steps model). */
    public double executorSeconds() {
        return workers * wallSeconds();
    }
}
