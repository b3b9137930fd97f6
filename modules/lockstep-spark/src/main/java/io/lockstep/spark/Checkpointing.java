package io.lockstep.spark;

import io.lockstep.train.CheckpointStore;
import io.lockstep.train.TrainingCheckpoint;
import java.util.Map;

/**
 * How a run checkpoints and where it resumes from.
 *
 * @param store    where checkpoints go (null = no checkpoints)
 * @param every    save after every {@code every} steps and at the end (0 = only at the end;
 *                 {@link #EACH_EPOCH} = after every epoch's last step); a run stopped by a
 *                 {@link StopRequest} also saves after its last step
 * @param resume   the checkpoint to continue from, or null to start fresh
 * @param metadata stored with every checkpoint (e.g. the resolved configuration)
 */
public record Checkpointing(CheckpointStore store, long every, TrainingCheckpoint resume, Map<String, String> metadata) {
    /** {@code every}: save after the last step of every epoch (and at the end). */
    public static final long EACH_EPOCH = -1;

    public Checkpointing {
        if (every < EACH_EPOCH) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0 steps, or EACH_EPOCH (got " + every + ")");
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** No checkpoints, fresh start. */
    public static Checkpointing none() {
        return new Checkpointing(null, 0, null, Map.of());
    }

    boolean due(long stepsDone, boolean last, boolean epochEnd) {
        return store != null && (last || every > 0 && stepsDone % every == 0
                || every == EACH_EPOCH && epochEnd);
    }
}
