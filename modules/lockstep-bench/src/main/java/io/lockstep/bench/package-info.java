/**
 * Throughput measurements: Lockstep's synchronous Spark trainer against single-process plain DL4J
 * (one and two BLAS threads), DL4J Spark's {@code ParameterAveragingTrainingMaster} and the machine's
 * measured data-parallel ceiling (two concurrent single-thread fits, {@link io.lockstep.bench.Dl4jPairBench}),
 * on the same model, global batches and batch sequence, plus what Spark alone costs for a job of the
 * step's shape ({@link io.lockstep.bench.SparkFloor}), what the step channel costs without training
 * ({@link io.lockstep.bench.ChannelFloorMedians}) and for a barrier round of persistent tasks
 * ({@link io.lockstep.bench.BarrierRound}). A measurement tool, not a test: it prints numbers and
 * the targets and never asserts. Entry point: {@link io.lockstep.bench.BenchMain}
 * ({@code bin/lockstep bench}; {@code bin/lockstep bench jmh} runs the JMH micro-benchmarks of
 * {@link io.lockstep.bench.jmh}). dl4j-spark is a dependency of this module only.
 *
 * <p>Every side times only training work after warm-up: Lockstep the driver's whole synchronized
 * step ({@code StepMetrics.stepMillis}: batch choice, broadcast, gradient tasks, merge, update),
 * DL4J one {@code MultiLayerNetwork.fit(DataSet)} call on a batch assembled beforehand, parameter
 * averaging one {@code SparkDl4jMultiLayer.fit(rdd)} over a fixed set of global batches. One untimed
 * JIT warm-up run of Lockstep and DL4J (1000 steps by default) precedes the first configuration:
 * measured here, Spark's per-job scheduling cost keeps falling for on the order of a thousand jobs
 * of a fresh JVM, far longer than the per-configuration warm-up. The CPU each side used (process CPU/wall, busy threads) is recorded alongside.
 */
package io.lockstep.bench;
