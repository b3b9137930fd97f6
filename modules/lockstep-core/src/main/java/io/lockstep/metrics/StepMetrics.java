package io.lockstep.metrics;

/**
 * What one synchronized step did.
 *
 * @param step       0-based step index
 * @param epoch      0-based epoch the step belongs to
 * @param examples   examples seen after this step (B × (step + 1))
 * @param loss       mean training loss over the step's B examples (before the update)
 * @param lr         learning rate used for the update
 * @param gradNorm   L2 norm of the averaged gradient G_B (before regularization)
 * @param stepMillis wall time of the whole step on the driver
 * @param timings    breakdown of {@code stepMillis} by phase
 */
public record StepMetrics(long step, int epoch, long examples, double loss, double lr, double gradNorm,
                          double stepMillis, StepTimings timings) {}
