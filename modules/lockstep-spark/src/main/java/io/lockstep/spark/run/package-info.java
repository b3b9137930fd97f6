/**
 * The public run API on Spark: {@link io.lockstep.spark.run.Runner} runs a {@link io.lockstep.run.RunSpec}
 * (starts or uses the Spark context, loads and places the data, builds the model, trains with the exact
 * trainer). The CLI, sweeps and resume all go through it; it is the only place the application's runs touch Spark.
 */
package io.lockstep.spark.run;
