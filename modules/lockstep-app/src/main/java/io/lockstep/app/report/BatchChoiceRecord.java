package io.lockstep.app.report;

/**
 * One {@code {"type":"batch_choice"}} line of an adaptive run's metrics.jsonl: the batch chosen after a step.
 *
 * @param step       the step after which the batch was chosen (it applies from the next step)
 * @param batch      the chosen global batch
 * @param goodput    its predicted goodput, base-batch examples per second (NaN if absent)
 * @param efficiency its statistical efficiency E(B) (NaN if absent)
 */
record BatchChoiceRecord(long step, long batch, double goodput, double efficiency) {}
