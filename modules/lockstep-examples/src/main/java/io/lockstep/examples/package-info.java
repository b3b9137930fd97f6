/**
 * Compiled, tested examples of Lockstep as a library. {@link io.lockstep.examples.PipelineExample}: a Spark ML
 * {@code Pipeline} (VectorAssembler, StringIndexer, {@link io.lockstep.spark.ml.LockstepClassifier}) tuned by a
 * 2-fold {@code CrossValidator}, saved, reloaded and scored on MNIST. Each example's test runs it on {@code local[2]},
 * so the examples cannot rot.
 */
package io.lockstep.examples;
