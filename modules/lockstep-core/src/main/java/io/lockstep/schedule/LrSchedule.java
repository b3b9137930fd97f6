package io.lockstep.schedule;

import java.io.Serializable;

/**
 * The learning rate as a pure function of the 0-based global step. Implementations are immutable
 * and keep no state, so resuming, rolling back or replaying a run reproduces the same rates.
 */
public interface LrSchedule extends Serializable {

    /**
     * The learning rate for step {@code step} (0 is the first update).
     *
     * @throws IllegalArgumentException if {@code step < 0}
     */
    double lr(long step);

    /** One line saying everything that determines the schedule (for logs and run.json). */
    String describe();
}
