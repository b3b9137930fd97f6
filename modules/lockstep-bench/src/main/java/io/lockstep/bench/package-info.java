/**
 * Throughput measurements: Lockstep's synchronous Spark trainer against single-process plain DL4J
 * on the same model, global batches and batch sequence. A measurement tool, not a test: it prints
 * numbers and never asserts. Entry point: {@link io.lockstep.bench.BenchMain}
 * ({@code bin/lockstep bench}).
 *
 * <p>Both sides time only training work after warm-up: Lockstep the driver's whole synchronized
 * step ({@code StepMetrics.stepMillis}: batch choice, broadcast, gradient tasks, merge, update),
 * DL4J one {@code MultiLayerNetwork.fit(DataSet)} call on a batch assembled beforehand. One untimed
 * JIT warm-up run of each side precedes the first configuration: measured here, Lockstep's step
 * time keeps falling for ~40 steps of a fresh JVM, far longer than the per-configuration warm-up.
 */
package io.lockstep.bench;
