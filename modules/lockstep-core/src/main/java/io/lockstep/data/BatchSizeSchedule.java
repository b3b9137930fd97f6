package io.lockstep.data;

/**
 * The global batch of each epoch when the batch grows instead of the learning rate decaying (Smith,
 * Kindermans, Ying &amp; Le 2017): {@code B_e = B · F^floor(e / E)}, but never more than the training
 * set. Growth stops (silently; {@link #describe()} says so) at the last multiple {@code B · F^k} that
 * still fits in N examples. Factor 0 means no growth: every epoch has batch B.
 */
public record BatchSizeSchedule(int baseBatch, int factor, int every, int trainSize) {
    public BatchSizeSchedule {
        if (baseBatch <= 0) {
            throw new IllegalArgumentException("globalBatch must be positive (got " + baseBatch + ")");
        }
        if (baseBatch > trainSize) {
            throw new IllegalArgumentException("globalBatch (" + baseBatch + ") is larger than the training set ("
                    + trainSize + " examples)");
        }
        if (factor != 0 && factor < 2) {
            throw new IllegalArgumentException("batchGrowthFactor must be 0 (off) or at least 2 (got " + factor + ")");
        }
        if (every < 1) {
            throw new IllegalArgumentException("batchGrowthEvery must be at least 1 (got " + every + ")");
        }
    }

    /** A schedule without growth: batch B in every epoch. */
    public static BatchSizeSchedule constant(int batch, int trainSize) {
        return new BatchSizeSchedule(batch, 0, 1, trainSize);
    }

    public boolean grows() {
        return factor != 0 && (long) baseBatch * factor <= trainSize;
    }

    /** Number of growths that fit: the largest k with {@code B · F^k ≤ N} (0 without growth). */
    public int growths() {
        int k = 0;
        if (factor != 0) {
            for (long b = (long) baseBatch * factor; b <= trainSize; b *= factor) {
                k++;
            }
        }
        return k;
    }

    /** The first epoch from which the batch no longer changes. */
    public int lastGrowthEpoch() {
        return growths() * every;
    }

    /** The global batch of epoch {@code epoch} (0-based). */
    public int batchOf(int epoch) {
        int k = Math.min(epoch / every, growths());
        long b = baseBatch;
        for (int i = 0; i < k; i++) {
            b *= factor;
        }
        return (int) b;
    }

    /** Steps of epoch {@code epoch}: {@code floor(N / B_e)}. */
    public int stepsOf(int epoch) {
        return trainSize / batchOf(epoch);
    }

    /** For logs and run.json, e.g. {@code "256 x5 every 2 epochs (256, 1280, 6400; capped by 54000 examples)"}. */
    public String describe() {
        if (factor == 0) {
            return "constant " + baseBatch;
        }
        StringBuilder sizes = new StringBuilder();
        for (int k = 0; k <= growths(); k++) {
            sizes.append(k == 0 ? "" : ", ").append(batchOf(k * every));
        }
        return baseBatch + " x" + factor + " every " + every + (every == 1 ? " epoch" : " epochs") + " (" + sizes
                + "; capped by " + trainSize + " examples)";
    }
}
