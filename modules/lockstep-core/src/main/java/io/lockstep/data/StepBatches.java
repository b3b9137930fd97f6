package io.lockstep.data;

/**
 * Which examples each step trains on, as the trainer reads it: the batch of a step, its size, its epoch and
 * the examples seen so far. {@link BatchPlan} derives all of it from (N, batch schedule, seed); an adaptive
 * plan ({@code io.lockstep.adaptive.AdaptiveBatchPlan}) from (N, seed, the recorded batch sizes). Either way
 * the answer never depends on the number of workers.
 */
public interface StepBatches {
    /** Global example indices of step {@code step}'s batch. */
    int[] batch(long step);

    /** The global batch B of step {@code step}. */
    int batchSize(long step);

    /** The epoch (0-based) that step {@code step} belongs to. */
    int epochOf(long step);

    /** True if step {@code step} is the last step of its epoch. */
    boolean endsEpoch(long step);

    /** Examples in steps {@code 0..step} inclusive. */
    long examplesThrough(long step);

    /** Steps of the first epoch at its batch, {@code floor(N / B_0)}. */
    int stepsPerEpoch();
}
