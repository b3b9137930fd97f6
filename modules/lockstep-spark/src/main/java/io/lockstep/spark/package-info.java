/**
 * The Spark side of Lockstep: cached data shards and the exact synchronous step
 * ({@link io.lockstep.spark.SyncTrainer}). The only package that imports Spark.
 *
 * <p>Invariants: executors return gradient sums and counts; the driver merges partials in partition
 * order and divides once by B; optimizer state and regularization live only on the driver; the batch
 * sequence depends on (N, B, seed) only. Batch normalization, if a user model has it, normalizes over
 * each worker's share ("ghost batch norm" with ghost size ≈ B/P), which is the one place where P
 * changes the math.
 */
package io.lockstep.spark;
