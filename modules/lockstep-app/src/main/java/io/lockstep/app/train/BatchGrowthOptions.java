package io.lockstep.app.train;

import picocli.CommandLine.Option;

/** Batch growth instead of learning-rate decay (Smith et al. 2017): options of {@code lockstep train}. */
final class BatchGrowthOptions {
    @Option(names = "--batch-growth-factor", paramLabel = "F", defaultValue = "0",
            description = "Grow the batch instead of decaying the LR (Smith 2017): multiply the global batch by F "
                    + "(>= 2) every --batch-growth-every epochs; growth stops at the last size that fits in the "
                    + "training set. The LR schedule is unchanged. 0 = off. Default: ${DEFAULT-VALUE}.")
    int factor;

    @Option(names = "--batch-growth-every", paramLabel = "E", defaultValue = "1",
            description = "With --batch-growth-factor: epochs between growths. Default: ${DEFAULT-VALUE}.")
    int every;
}
