package io.lockstep.perf;

/**
 * The batch and gradient-noise fields of one {@code "step"} line of metrics.jsonl; NaN (or 0 for the batch)
 * where the line has none.
 *
 * @param step        0-based step index
 * @param globalBatch the step's B ({@code global_batch}); 0 in runs written before it was logged
 * @param gradSqNorm  the step's unsmoothed estimate of ‖∇F‖² ({@code noise_grad_sq})
 * @param traceSigma  the step's unsmoothed estimate of the per-example tr Σ ({@code noise_trace_sigma})
 * @param variance    AdaScale's smoothed σ² at its base batch ({@code adascale_variance})
 * @param sqNorm      AdaScale's smoothed μ² ({@code adascale_sq_norm})
 */
public record StepStatistics(long step, int globalBatch, double gradSqNorm, double traceSigma, double variance,
                             double sqNorm) {
    /** Whether the step has its own noise estimates (at least two parts contributed). */
    public boolean hasEstimate() {
        return Double.isFinite(gradSqNorm) && Double.isFinite(traceSigma);
    }
}
