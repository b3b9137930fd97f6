package io.lockstep.spark;

import io.lockstep.metrics.StepTimings;

/**
 * The averaged gradient of one step and what the driver learned while computing it.
 *
 * @param mean                 G_B = Σ gradient sums / B (before clipping and regularization)
 * @param norm                 ‖G_B‖
 * @param meanLoss             loss sum / B
 * @param count                B
 * @param smallBatches         K: non-empty workers, or micro-batches with accumulation
 * @param meanSmallBatchSqNorm count-weighted mean of the small batches' ‖g_k‖²
 * @param timings              broadcast, job, slowest task and aggregation times (update filled in later)
 */
record StepGradient(float[] mean, double norm, double meanLoss, long count, int smallBatches,
                    double meanSmallBatchSqNorm, StepTimings timings) {}
