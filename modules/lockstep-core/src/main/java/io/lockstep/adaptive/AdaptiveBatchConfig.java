package io.lockstep.adaptive;

import io.lockstep.config.ConfigException;

/**
 * A goodput-driven global batch ({@code --global-batch adaptive}): every {@code every} steps the batch of
 * the following steps is re-chosen among {@link Goodput#candidates(int, int)} of [{@code minBatch},
 * {@code maxBatch}] to maximize goodput, the learning rate following AdaScale's gain.
 *
 * @param minBatch B_min, at least the reference batch (AdaScale never scales the base batch down)
 * @param maxBatch B_max, at most the training set
 * @param every    steps between choices (≥ 1)
 */
public record AdaptiveBatchConfig(int minBatch, int maxBatch, int every) {
    /** Steps between choices when none is given. */
    public static final int DEFAULT_EVERY = 20;

    public AdaptiveBatchConfig {
        if (minBatch < 1) {
            throw new ConfigException("adaptiveBatch.minBatch must be at least 1 (got " + minBatch + ")");
        }
        if (maxBatch < minBatch) {
            throw new ConfigException("adaptiveBatch.maxBatch (" + maxBatch + ") must be at least minBatch (" + minBatch
                    + ")");
        }
        if (every < 1) {
            throw new ConfigException("adaptiveBatch.every must be at least 1 step (got " + every + ")");
        }
    }

    /** For logs and run.json, e.g. {@code "adaptive 64..4096, re-chosen every 20 steps"}. */
    public String describe() {
        return "adaptive " + minBatch + ".." + maxBatch + ", re-chosen every " + every + (every == 1 ? " step" : " steps");
    }
}
