/**
 * The public run API's specification: {@link io.lockstep.run.RunSpec}, an immutable, validated and
 * JSON-serializable description of one training run (training math in {@link io.lockstep.config.TrainConfig},
 * data, model, output and Spark master), {@link io.lockstep.run.SpecJson} to write and read it and
 * {@link io.lockstep.run.SpecDiff} to compare two of them (resume, sweeps). Spark-free; the Spark module's
 * {@code io.lockstep.spark.run.Runner} runs a spec.
 */
package io.lockstep.run;
