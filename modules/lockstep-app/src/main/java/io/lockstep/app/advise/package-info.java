/**
 * {@code lockstep advise}: the scaling advisor's command line. It reads measured run directories, fits
 * {@link io.lockstep.perf.StepTimeModel} and a {@link io.lockstep.perf.StepsModel} when the inputs allow one,
 * and prints (and optionally writes as JSON) predicted step time, throughput, parallel efficiency, steps,
 * examples and wall time to the target over a grid of executor counts and global batches; with
 * {@code --validate} it also compares predicted and measured median step times of other runs; with
 * {@code --adaptive} it predicts for each run what a goodput-optimal batch would have saved
 * ({@link io.lockstep.app.advise.AdaptiveSaving}, from the run's noise as {@link io.lockstep.app.advise.NoiseHistory}
 * smooths it).
 */
package io.lockstep.app.advise;
