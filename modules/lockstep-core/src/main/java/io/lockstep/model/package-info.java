/**
 * The model adapter: the only package that touches DL4J configuration types. It builds the
 * built-in models, validates user JSON configurations, lays out the flat parameter vector and
 * runs DL4J's forward/backward pass for workers ({@link io.lockstep.model.GradientWorker}).
 */
package io.lockstep.model;
