package io.lockstep.metrics;

import io.lockstep.adaptive.AdaScale;
import io.lockstep.noise.NoiseScaleEstimator;
import java.util.Map;

/**
 * What one synchronized step did.
 *
 * @param step       0-based step index (after a rollback the same index is run again)
 * @param epoch      0-based epoch the step belongs to
 * @param examples   examples seen after this step (B × (step + 1) for a constant batch)
 * @param globalBatch B, the step's global batch
 * @param stats      loss, learning rate, gradient norm, update ratios and noise scale of the step
 * @param stepMillis wall time of the whole step on the driver
 * @param timings    breakdown of {@code stepMillis} by phase
 */
public record StepMetrics(long step, int epoch, long examples, int globalBatch, Stats stats, double stepMillis, StepTimings timings) {

    /** Shortcut for {@code stats().loss()}. */
    public double loss() {
        return stats.loss();
    }

    /**
     * @param loss         mean training loss over the step's B examples (before the update)
     * @param lr           learning rate used for the update (schedule × rollback factor; × AdaScale's gain)
     * @param gradNorm     L2 norm of the averaged gradient G_B, before clipping and regularization
     * @param clipped      whether global-norm clipping scaled the gradient
     * @param updateRatios ‖Δw‖/‖w‖ per parameter block
     * @param noise        gradient-noise-scale estimate after this step
     * @param adaScale     AdaScale's gain, τ before the step and its estimates, or null without AdaScale
     */
    public record Stats(double loss, double lr, double gradNorm, boolean clipped, Map<String, Double> updateRatios,
                        NoiseScaleEstimator.Estimate noise, AdaScale.Gain adaScale) {
        /** The stats of a step without AdaScale. */
        public Stats(double loss, double lr, double gradNorm, boolean clipped, Map<String, Double> updateRatios,
                     NoiseScaleEstimator.Estimate noise) {
            this(loss, lr, gradNorm, clipped, updateRatios, noise, null);
        }
    }

    /** Progress in steps of the run's length: step + 1, or τ after the step for AdaScale (base iterations). */
    public double progress() {
        AdaScale.Gain g = stats.adaScale();
        return g == null ? step + 1 : g.tau() + g.gain();
    }
}
