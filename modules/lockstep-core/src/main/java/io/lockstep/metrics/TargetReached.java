package io.lockstep.metrics;

/**
 * The first validation evaluation whose accuracy reached the run's target accuracy; training stops
 * right after it.
 *
 * @param step     0-based index of the last step before that evaluation (as in {@link EvalMetrics#step()})
 * @param steps    updates applied when the target was reached ({@code step + 1})
 * @param examples training examples processed by then ({@code steps × B})
 * @param accuracy the validation accuracy measured
 * @param target   the target accuracy
 * @param seconds  wall-clock seconds from the start of training (this fit call) to the end of that evaluation
 */
public record TargetReached(long step, long steps, long examples, double accuracy, double target, double seconds) {}
