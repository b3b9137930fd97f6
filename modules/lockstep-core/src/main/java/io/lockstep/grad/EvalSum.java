package io.lockstep.grad;

import java.io.Serializable;

/**
 * Evaluation partial: loss <b>sum</b>, number of correct predictions and example count. Merge is
 * associative; {@link #empty()} is its identity.
 */
public record EvalSum(double lossSum, long correct, long count) implements Serializable {
    private static final EvalSum EMPTY = new EvalSum(0.0, 0L, 0L);

    public static EvalSum empty() {
        return EMPTY;
    }

    public EvalSum merge(EvalSum other) {
        return new EvalSum(lossSum + other.lossSum, correct + other.correct, count + other.count);
    }

    /** Mean loss over all examples. */
    public double meanLoss() {
        requireExamples();
        return lossSum / count;
    }

    /** Fraction of correct predictions. */
    public double accuracy() {
        requireExamples();
        return (double) correct / count;
    }

    private void requireExamples() {
        if (count == 0) {
            throw new IllegalStateException("no examples were evaluated: total count is 0");
        }
    }
}
