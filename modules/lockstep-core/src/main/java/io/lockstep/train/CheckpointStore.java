package io.lockstep.train;

import java.io.IOException;
import java.util.Optional;

/**
 * Where checkpoints go. Implementations must make {@link #save} atomic: a reader sees either the
 * previous checkpoint or the new one, never a partial write, and the previous one is kept until the
 * new one is complete.
 */
public interface CheckpointStore {
    /** Writes {@code checkpoint} as the newest one. */
    void save(TrainingCheckpoint checkpoint) throws IOException;

    /**
     * The newest complete checkpoint that passes verification, if any; newer ones that fail are
     * skipped with a warning naming the file and what failed.
     *
     * @throws CheckpointException if there are checkpoints but none passes verification
     */
    Optional<TrainingCheckpoint> latest() throws IOException;

    /** Where the checkpoints live, for messages. */
    String location();
}
