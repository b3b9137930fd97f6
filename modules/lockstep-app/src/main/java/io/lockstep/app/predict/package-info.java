/**
 * {@code lockstep predict}: parses options into an {@link io.lockstep.run.PredictSpec} and runs
 * {@link io.lockstep.spark.run.Predictor}, which scores a table or IDX images with a saved model on the
 * cluster and writes the predictions as Parquet.
 */
package io.lockstep.app.predict;
