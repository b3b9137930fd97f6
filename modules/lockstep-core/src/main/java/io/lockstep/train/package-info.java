/**
 * Spark-free pieces of the training loop that run on the driver: divergence detection, early
 * stopping, gradient clipping, update-to-weight telemetry, and checkpoints (their state and their
 * verified on-disk format, a JSON manifest plus raw little-endian arrays).
 */
package io.lockstep.train;
