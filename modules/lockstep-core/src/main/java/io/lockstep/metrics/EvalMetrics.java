package io.lockstep.metrics;

/**
 * A distributed evaluation of one dataset after {@code step + 1} steps.
 *
 * @param set      which dataset: "train", "validation" or "test"
 * @param step     0-based index of the last step before the evaluation
 * @param epoch    0-based epoch that ended (or the current one at the end of training)
 * @param loss     mean loss over the evaluated examples
 * @param accuracy fraction of correct top-1 predictions
 * @param count    number of evaluated examples
 */
public record EvalMetrics(String set, long step, int epoch, double loss, double accuracy, long count) {}
