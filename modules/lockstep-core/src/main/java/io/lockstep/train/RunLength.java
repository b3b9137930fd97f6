package io.lockstep.train;

import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;

/**
 * When a run ends and where its learning-rate schedule stands: after a fixed number of steps, or — with
 * AdaScale — when the scale-invariant iteration τ reaches the base schedule's length (then the schedule is
 * read at ⌊τ⌋ and the number of real steps follows from the measured gains).
 *
 * @param length the schedule's length: total steps, or base iterations for AdaScale
 * @param inTau  whether progress is counted in τ (AdaScale) rather than in steps
 */
public record RunLength(long length, boolean inTau) {
    public RunLength {
        if (length < 1) {
            throw new IllegalArgumentException("a run needs at least one step (length " + length + ")");
        }
    }

    /** The length of {@code config}'s run on {@code plan} over {@code trainSize} examples. */
    public static RunLength of(TrainConfig config, BatchPlan plan, int trainSize) {
        return new RunLength(config.scheduleLength(plan, trainSize), config.adaScale());
    }

    /** Whether the run is over after {@code stepsDone} steps with τ = {@code tau}. */
    public boolean done(long stepsDone, double tau) {
        return inTau ? tau >= length : stepsDone >= length;
    }

    /** Where to read the schedule for the next step: the step, or ⌊τ⌋ (within the schedule's range). */
    public long schedulePosition(long step, double tau) {
        return inTau ? Math.min((long) Math.floor(tau), length - 1) : step;
    }
}
