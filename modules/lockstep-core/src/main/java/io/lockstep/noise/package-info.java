/**
 * Gradient noise scale and critical batch size (McCandlish et al. 2018, arXiv 1812.06162), Spark-free.
 * {@link io.lockstep.noise.NoiseScaleEstimator} turns each step's big-batch and per-part (worker or
 * micro-batch) squared gradient norms into running estimates of ‖G‖², tr(Σ) and
 * B_simple = tr(Σ)/‖G‖²; {@link io.lockstep.noise.CriticalBatchFit} fits S(B) = S_min(1 + B_crit/B) to a
 * batch-size sweep. The small-batch input must be the <b>count-weighted</b> mean of the parts' ‖g_k‖²,
 * for which the effective small batch is exactly B/K however unevenly the batch is split.
 */
package io.lockstep.noise;
