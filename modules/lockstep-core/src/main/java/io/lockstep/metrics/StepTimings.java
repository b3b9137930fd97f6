package io.lockstep.metrics;

/**
 * Where one step's wall time went, in milliseconds, measured on the driver except
 * {@code slowestTaskMillis} (measured inside the tasks).
 *
 * @param broadcastMillis   creating the broadcast of parameters and batch shares
 * @param jobMillis         the Spark job: scheduling, task compute and result transfer
 * @param slowestTaskMillis the longest gradient computation of any task (part of {@code jobMillis})
 * @param aggregateMillis   merging partials and dividing by B
 * @param updateMillis      the optimizer update on the driver
 */
public record StepTimings(double broadcastMillis, double jobMillis, double slowestTaskMillis,
                          double aggregateMillis, double updateMillis) {
    /** Everything except the slowest task's compute: the fixed cost the distribution adds to a step. */
    public double overheadMillis() {
        return broadcastMillis + jobMillis - slowestTaskMillis + aggregateMillis + updateMillis;
    }
}
