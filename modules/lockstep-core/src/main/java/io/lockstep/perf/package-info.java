/**
 * The scaling advisor's model, Spark-free: from measured runs (their per-step time breakdown and,
 * when present, steps to a target and the gradient noise scale) predict step time, steps, examples
 * and wall time to the target for other executor counts P and global batches B.
 * <ul>
 *   <li>{@link io.lockstep.perf.RunDirectory} reads a run directory into a {@link io.lockstep.perf.MeasuredRun};
 *       {@link io.lockstep.perf.RunSummary} takes the medians of its steady-state steps;
 *       {@link io.lockstep.perf.RunDirectory#readHistory} adds each step's batch and noise fields
 *       ({@link io.lockstep.perf.RunHistory}, {@link io.lockstep.perf.StepStatistics});</li>
 *   <li>{@link io.lockstep.perf.StepTimeModel}: T(B, P) = c·⌈B/P⌉ + o + k·params·P + u·params;</li>
 *   <li>{@link io.lockstep.perf.StepsModel}: S(B) = S_min(1 + B_crit/B) (McCandlish et al. 2018), chosen
 *       from the inputs by {@link io.lockstep.perf.StepsSource}, or, when no run reached a target, a
 *       {@link io.lockstep.perf.NoiseScale} (a run's B_simple) that ranks the grid up to the unknown S_min;</li>
 *   <li>{@link io.lockstep.perf.ScalingAdvice} predicts a (P, B) grid and marks the fastest and the cheapest
 *       point; {@link io.lockstep.perf.PredictionCheck} compares predictions with measured runs.</li>
 * </ul>
 */
package io.lockstep.perf;
