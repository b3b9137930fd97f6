package io.lockstep.run;

/**
 * What a run writes and how often it checkpoints and evaluates the training set; none of it changes
 * the trained parameters.
 *
 * @param dir             run directory (run.json, metrics.jsonl, model.zip); null: no run directory
 * @param checkpointEvery save a checkpoint every N steps and at the end (and when the run is interrupted);
 *                        {@link #EACH_EPOCH} = after every epoch; 0 = never
 * @param checkpointDir   Hadoop FileSystem URI of the checkpoints; null: {@code <dir>/checkpoints}
 * @param evalTrain       also evaluate the training set after every epoch
 * @param keepCheckpoints how many of the newest checkpoints to keep (at least 1), so that a resume can
 *                        fall back to an older one when the newest fails verification
 */
public record OutputSpec(String dir, long checkpointEvery, String checkpointDir, boolean evalTrain,
                         int keepCheckpoints) {
    /** {@code checkpointEvery}: a checkpoint after the last step of every epoch (lockstep train's default). */
    public static final long EACH_EPOCH = -1;
    /** Checkpoints kept by default: the newest and the one before it. */
    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;

    public OutputSpec {
        Specs.require(checkpointEvery >= EACH_EPOCH, "checkpointEvery", checkpointEvery,
                "must be a number of steps (0 = never), or -1 = each epoch");
        Specs.require(keepCheckpoints >= 1, "keepCheckpoints", keepCheckpoints, "must be at least 1");
    }

    /** An output keeping the {@linkplain #DEFAULT_KEEP_CHECKPOINTS default} number of checkpoints. */
    public OutputSpec(String dir, long checkpointEvery, String checkpointDir, boolean evalTrain) {
        this(dir, checkpointEvery, checkpointDir, evalTrain, DEFAULT_KEEP_CHECKPOINTS);
    }

    public OutputSpec withDir(String v) {
        return new OutputSpec(v, checkpointEvery, checkpointDir, evalTrain, keepCheckpoints);
    }

    /** No run directory, no checkpoints, training-set evaluation on. */
    public static OutputSpec none() {
        return new OutputSpec(null, 0, null, true);
    }
}
