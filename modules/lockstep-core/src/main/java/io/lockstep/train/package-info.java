/**
 * Spark-free pieces of the training loop that run on the driver: divergence detection, early
 * stopping, gradient clipping and update-to-weight telemetry.
 */
package io.lockstep.train;
