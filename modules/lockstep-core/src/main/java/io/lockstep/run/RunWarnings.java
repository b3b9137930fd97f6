package io.lockstep.run;

import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.data.GhostBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Warnings about a resolved run that will work but run slowly or not as the user probably meant:
 * more workers than Spark has task slots, tiny per-worker batches, a micro-batch that cuts nothing,
 * workers left idle by too few ghost batches. Each is one line saying what to change. Pure: the
 * caller supplies the task slots its Spark context reports.
 */
public final class RunWarnings {
    /** Below this many examples per worker and step, a step's fixed cost dominates its compute. */
    public static final int MIN_PER_WORKER_BATCH = 8;

    private RunWarnings() {}

    /**
     * @param config         the resolved trainer configuration
     * @param batchDependent whether the model's passes depend on their batch (batch norm, dropout)
     * @param placement      the training data's placement
     * @param taskSlots      the tasks Spark runs at once (its default parallelism), or 0 if unknown
     */
    public static List<String> of(TrainConfig config, boolean batchDependent, DataPlacement placement, int taskSlots) {
        List<String> out = new ArrayList<>();
        int p = config.workers();
        int b = config.globalBatch();
        if (taskSlots > 0 && p > taskSlots) {
            out.add(String.format(Locale.ROOT, "workers P=%d is above the %d task slots Spark reports: each step runs"
                    + " its tasks in %d waves; use --workers %d or give Spark more cores", p, taskSlots,
                    (p + taskSlots - 1) / taskSlots, taskSlots));
        }
        double share = (double) b / p;
        if (share < MIN_PER_WORKER_BATCH) {
            out.add(String.format(Locale.ROOT, "per-worker batch ~%.1f examples (B=%d / P=%d) is below %d: each step's"
                    + " fixed cost will dominate; raise --global-batch or lower --workers", share, b, p,
                    MIN_PER_WORKER_BATCH));
        }
        int ghost = config.resolveGhostBatch(b, batchDependent, placement);
        if (config.microBatch() > 0 && config.microBatch() >= Math.min(ghost, Math.ceil(share))) {
            out.add(String.format(Locale.ROOT, "micro-batch %d is not smaller than a pass (%d examples): it changes"
                    + " nothing; drop --micro-batch or lower it", config.microBatch(), Math.min(ghost, (int) Math.ceil(share))));
        }
        int ghosts = GhostBatches.count(b, ghost);
        if (placement == DataPlacement.REPLICATED && ghosts < p) {
            out.add(String.format(Locale.ROOT, "%d ghost batches per step for P=%d workers: %d workers idle every step"
                    + " (lower --ghost-batch or --workers)", ghosts, p, p - ghosts));
        }
        return out;
    }
}
