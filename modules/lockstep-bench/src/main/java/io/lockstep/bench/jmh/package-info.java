/**
 * JMH micro-benchmarks of the parts of Lockstep's step that need no Spark: the driver's merge of the
 * workers' gradient sums, a worker's micro-batch accumulation, the driver's optimizer update, and
 * one worker's forward/backward pass. Run with {@code bin/lockstep bench jmh} ({@link
 * io.lockstep.bench.jmh.JmhMain}); the bulk ND4J copies are measured by
 * {@code io.lockstep.model.NdBuffersBench}, which lives in that package to reach the package-private
 * {@code NdBuffers}. The gradient length everywhere is the MNIST MLP's, 269,322 parameters.
 */
package io.lockstep.bench.jmh;
