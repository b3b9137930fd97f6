package io.lockstep.train;

/**
 * Patience-based early stopping on a validation loss (lower is better): stop after
 * {@code patience} consecutive evaluations without a new best. Patience 0 never stops.
 */
public final class EarlyStopping {
    private final int patience;
    private double best = Double.POSITIVE_INFINITY;
    private int sinceBest;

    public EarlyStopping(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must not be negative (got " + patience + ")");
        }
        this.patience = patience;
    }

    /** Records an evaluation; returns true if it is a new best. */
    public boolean observe(double validationLoss) {
        if (validationLoss < best) {
            best = validationLoss;
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    /** True once {@code patience} evaluations in a row did not improve on the best. */
    public boolean shouldStop() {
        return patience > 0 && sinceBest >= patience;
    }

    public double best() {
        return best;
    }

    /** Evaluations since the last improvement. */
    public int sinceBest() {
        return sinceBest;
    }

    /** Restores the progress of a checkpointed run. */
    public void restore(double best, int sinceBest) {
        this.best = best;
        this.sinceBest = sinceBest;
    }
}
