package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.config.DivergenceConfig;
import picocli.CommandLine.Option;

/** Divergence guard, clipping, evaluation and stopping (early stopping, target accuracy) options of {@code lockstep train}. */
final class GuardOptions {
    @Option(names = "--on-divergence", paramLabel = "POLICY", defaultValue = "halt",
            description = "halt: stop, keep the last good model, exit code 3; rollback: restore the last good state, "
                    + "scale the LR by --rollback-lr-factor and continue (at most --max-rollbacks times). Default: ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--divergence-factor", paramLabel = "F", defaultValue = "3",
            description = "A step diverges when its loss is NaN/Inf or above F x the lowest smoothed loss (and above the "
                    + "first step's loss). Default: ${DEFAULT-VALUE}.")
    double factor;

    @Option(names = "--max-rollbacks", paramLabel = "K", defaultValue = "3",
            description = "With --on-divergence rollback: rollbacks allowed before halting. Default: ${DEFAULT-VALUE}.")
    int maxRollbacks;

    @Option(names = "--rollback-lr-factor", paramLabel = "X", defaultValue = "0.5",
            description = "With --on-divergence rollback: multiply the LR by X at each rollback, in (0, 1). Default: ${DEFAULT-VALUE}.")
    double lrBackoff;

    @Option(names = "--clip-norm", paramLabel = "C", defaultValue = "0",
            description = "Clip the averaged gradient to global L2 norm C (0 = off). Default: ${DEFAULT-VALUE}.")
    double clipNorm;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0",
            description = "Hold out this fraction of the training set (seeded) for per-epoch validation. Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    @Option(names = "--early-stopping-patience", paramLabel = "N", defaultValue = "0",
            description = "Stop after N epochs without a better validation loss; the best model is kept (0 = off). "
                    + "Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "0",
            description = "Also evaluate every eval set (train, validation, test) every N steps, besides every epoch end "
                    + "(0 = per epoch only). Default: ${DEFAULT-VALUE}.")
    long evalEvery;

    @Option(names = "--target-accuracy", paramLabel = "A", defaultValue = "0",
            description = "Stop after the first validation evaluation with accuracy >= A, in (0, 1]; needs "
                    + "--validation-fraction (0 = no target). Default: ${DEFAULT-VALUE}.")
    double targetAccuracy;

    @Option(names = "--eval-train", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also evaluate loss and accuracy on the training set after every epoch. Default: ${DEFAULT-VALUE}.")
    boolean evalTrain;

    @Option(names = "--noise-ema", paramLabel = "D", defaultValue = "0.99",
            description = "EMA decay of the gradient-noise-scale estimates. Default: ${DEFAULT-VALUE}.")
    double noiseEma;

    DivergenceConfig divergence() {
        DivergenceConfig.Policy p;
        try {
            p = DivergenceConfig.Policy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--on-divergence: " + e.getMessage());
        }
        return new DivergenceConfig(p, factor, maxRollbacks, lrBackoff);
    }
}
