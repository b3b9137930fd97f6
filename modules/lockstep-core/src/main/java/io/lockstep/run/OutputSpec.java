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
 */
public record OutputSpec(String dir, long checkpointEvery, String checkpointDir, boolean evalTrain) {
    /** {@code checkpointEvery}: a checkpoint after the last step of every epoch (lockstep train's default). */
    public static final long EACH_EPOCH = -1;

    public OutputSpec {
        Specs.require(checkpointEvery >= EACH_EPOCH, "checkpointEvery", checkpointEvery,
                "must be a number of steps (0 = never), or -1 = each epoch");
    }

    public OutputSpec withDir(String v) {
        return new OutputSpec(v, checkpointEvery, checkpointDir, evalTrain);
    }

    /** No run directory, no checkpoints, training-set evaluation on. */
    public static OutputSpec none() {
        return new OutputSpec(null, 0, null, true);
    }
}
