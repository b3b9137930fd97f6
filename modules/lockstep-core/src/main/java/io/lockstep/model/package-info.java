/**
 * The model adapter: the only package that touches DL4J types. It builds the built-in models, validates
 * user JSON configurations ({@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration};
 * {@link io.lockstep.model.ModelCheck}), lays out the flat parameter vector with each block's role as
 * DL4J decides it ({@link io.lockstep.model.ParamRole}), runs DL4J's forward/backward pass for workers
 * ({@link io.lockstep.model.GradientWorker}, seeded per pass by {@link io.lockstep.model.PassSeed}), and
 * holds the plain-DL4J reference trainer ({@link io.lockstep.model.PlainDl4j}).
 */
package io.lockstep.model;
