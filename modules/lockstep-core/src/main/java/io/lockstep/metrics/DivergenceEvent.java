package io.lockstep.metrics;

/**
 * A diverged step and what was done about it.
 *
 * @param step         the step whose loss or gradient diverged (its update was not applied)
 * @param epoch        its epoch
 * @param loss         its mean loss
 * @param lr           the learning rate its update would have used
 * @param globalBatch  B
 * @param reason       what was detected
 * @param action       "halt" or "rollback"
 * @param restoredStep for a rollback, the step training resumes from (its last good state)
 * @param lrFactor     the factor on the scheduled learning rate from now on
 */
public record DivergenceEvent(long step, int epoch, double loss, double lr, int globalBatch, String reason,
                              String action, long restoredStep, double lrFactor) {}
