package io.lockstep.perf;

import io.lockstep.metrics.StepTimings;

/**
 * One training step as logged in {@code metrics.jsonl}: its wall time, the breakdown of that time and the
 * gradient noise scale B_simple at that step.
 *
 * @param step       0-based step index
 * @param stepMillis wall time of the whole step on the driver
 * @param timings    broadcast, Spark job, slowest task, aggregation and update times
 * @param bSimple    B_simple after this step, NaN while undefined (e.g. one worker, no micro-batches)
 */
public record StepSample(long step, double stepMillis, StepTimings timings, double bSimple) {
    public StepSample {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (timings == null) {
            throw new IllegalArgumentException("step " + step + ": timings missing");
        }
        requireTime("step_ms", stepMillis, step);
        requireTime("broadcast_ms", timings.broadcastMillis(), step);
        requireTime("job_ms", timings.jobMillis(), step);
        requireTime("slowest_task_ms", timings.slowestTaskMillis(), step);
        requireTime("aggregate_ms", timings.aggregateMillis(), step);
        requireTime("update_ms", timings.updateMillis(), step);
    }

    private static void requireTime(String name, double millis, long step) {
        if (!(millis >= 0) || !Double.isFinite(millis)) {
            throw new IllegalArgumentException("step " + step + ": " + name + " must be a finite time >= 0, got " + millis);
        }
    }

    /** Gradient compute: the slowest task, which the step waits for. */
    public double computeMillis() {
        return timings.slowestTaskMillis();
    }
}
