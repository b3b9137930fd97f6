package io.lockstep.app.train;

import io.lockstep.adaptive.AdaptiveBatchConfig;
import io.lockstep.app.UsageException;
import picocli.CommandLine.Option;

/** The range and cadence of {@code --global-batch adaptive}: options of {@code lockstep train}. */
final class AdaptiveBatchOptions {
    /** B_max = this many times B_min when {@code --max-batch} is not given. */
    static final int DEFAULT_RANGE = 64;

    @Option(names = "--min-batch", paramLabel = "B_MIN",
            description = "With --global-batch adaptive: the smallest (and first) global batch. "
                    + "Default: --reference-batch.")
    Integer min;

    @Option(names = "--max-batch", paramLabel = "B_MAX",
            description = "With --global-batch adaptive: the largest global batch (at most the training set). "
                    + "Default: " + DEFAULT_RANGE + " x --min-batch.")
    Integer max;

    @Option(names = "--adapt-every", paramLabel = "K",
            description = "With --global-batch adaptive: steps between batch choices. Default: "
                    + AdaptiveBatchConfig.DEFAULT_EVERY + ".")
    Integer every;

    /** The adaptive range, or null for a fixed batch (then none of these options may be given). */
    AdaptiveBatchConfig toConfig(boolean adaptive, Integer referenceBatch) {
        if (!adaptive) {
            String given = min != null ? "--min-batch" : max != null ? "--max-batch" : every != null ? "--adapt-every" : null;
            if (given != null) {
                throw new UsageException(given + " needs --global-batch adaptive");
            }
            return null;
        }
        int lo = min != null ? min : referenceBatch != null ? referenceBatch : -1;
        if (lo < 0) {
            throw new UsageException("--global-batch adaptive needs --reference-batch B_REF (the batch the --lr schedule"
                    + " is tuned for) or --min-batch");
        }
        int hi = max != null ? max : (int) Math.min(Integer.MAX_VALUE, (long) DEFAULT_RANGE * lo);
        return new AdaptiveBatchConfig(lo, hi, every != null ? every : AdaptiveBatchConfig.DEFAULT_EVERY);
    }
}
