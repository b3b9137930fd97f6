/**
 * Spark ML API for Lockstep: {@link io.lockstep.spark.ml.LockstepClassifier}, an {@code Estimator} whose
 * {@code fit} trains with the exact synchronous trainer ({@link io.lockstep.spark.SyncTrainer}) exactly as
 * {@code lockstep train} does, and {@link io.lockstep.spark.ml.LockstepClassificationModel}, the fitted
 * {@code Model}, which scores on the executors (one network per task, batched forward passes). Both follow
 * Spark ML conventions: {@code Params} with defaults, {@code copy(ParamMap)} for {@code CrossValidator} and
 * {@code TrainValidationSplit}, and {@code MLWritable}/{@code MLReadable} so that {@code Pipeline} and
 * {@code PipelineModel} save and load.
 */
package io.lockstep.spark.ml;
