package io.lockstep.data;

/**
 * Where the training examples live on the executors, which decides how a step's ghost batches can be
 * formed ({@link GhostBatches}).
 */
public enum DataPlacement {
    /**
     * Every executor holds the whole training set (one copy per executor JVM, shared by its tasks): ghost
     * batches are fixed slices of the step's batch, independent of the worker count, and dealt to workers
     * in balanced ranges. The default; needs the training set to fit in each executor's memory.
     */
    REPLICATED,
    /**
     * Worker p holds the contiguous range {@code [N·p/P, N·(p+1)/P)}: each executor holds only its part,
     * a worker's share of a step is the batch's examples it holds (binomially uneven), and ghost batches
     * are cut within shares — so for batch-norm or dropout models the result depends on P.
     */
    SHARDED;

    /** The command-line spelling. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The placement spelled {@code name} ({@link #cliName()}, exactly).
     *
     * @throws IllegalArgumentException naming the accepted spellings and {@code name}
     */
    public static DataPlacement parse(String name) {
        for (DataPlacement p : values()) {
            if (p.cliName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("expected replicated or sharded (got '" + name + "')");
    }
}
