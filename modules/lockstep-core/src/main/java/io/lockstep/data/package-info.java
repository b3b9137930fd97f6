/**
 * Datasets in compact in-memory form, readers for on-disk formats (IDX), and which examples form each
 * step: the batch plan ({@link io.lockstep.data.BatchPlan}), its ghost batches and their assignment to
 * workers ({@link io.lockstep.data.GhostBatches}, {@link io.lockstep.data.StepShare}). Spark-free.
 */
package io.lockstep.data;
