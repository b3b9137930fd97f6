package io.lockstep.metrics;

import io.lockstep.noise.NoiseScaleEstimator;
import java.util.Map;

/**
 * What one synchronized step did.
 *
 * @param step       0-based step index (after a rollback the same index is run again)
 * @param epoch      0-based epoch the step belongs to
 * @param examples   examples seen after this step (B × (step + 1))
 * @param stats      loss, learning rate, gradient norm, update ratios and noise scale of the step
 * @param stepMillis wall time of the whole step on the driver
 * @param timings    breakdown of {@code stepMillis} by phase
 */
public record StepMetrics(long step, int epoch, long examples, Stats stats, double stepMillis, StepTimings timings) {

    /** Shortcut for {@code stats().loss()}. */
    public double loss() {
        return stats.loss();
    }

    /**
     * @param loss         mean training loss over the step's B examples (before the update)
     * @param lr           learning rate used for the update (schedule × rollback factor)
     * @param gradNorm     L2 norm of the averaged gradient G_B, before clipping and regularization
     * @param clipped      whether global-norm clipping scaled the gradient
     * @param updateRatios ‖Δw‖/‖w‖ per parameter block
     * @param noise        gradient-noise-scale estimate after this step
     */
    public record Stats(double loss, double lr, double gradNorm, boolean clipped, Map<String, Double> updateRatios,
                        NoiseScaleEstimator.Estimate noise) {}
}
