package io.lockstep.data;

/**
 * How a step's global batch becomes forward passes ("ghost batches", Hoffer et al. 2017) and how they
 * are given to the P workers. Two placements of the data exist (see the README's invariants):
 *
 * <ul>
 *   <li>{@link #deal Replicated data} (every worker can read every example): ghost batch k is positions
 *       {@code [k·G, min((k+1)·G, B))} of the step's batch (itself a function of data, seed and step only),
 *       so the ghost batches do not depend on P; worker p gets the consecutive ghost batches
 *       {@code [⌊K·p/P⌋, ⌊K·(p+1)/P⌋)} of the K = ⌈B/G⌉ — shares differ by at most one ghost batch.</li>
 *   <li>{@link #withinShares Sharded data} (worker p holds a contiguous range of examples): each worker's
 *       share is the examples of the batch it holds, cut into ghost batches of at most G. Composition
 *       then depends on P; only models whose forward pass is independent of its batch are unaffected.</li>
 * </ul>
 * Ghost batches are numbered step-wide in worker order; the number seeds the pass's random stream.
 */
public final class GhostBatches {
    private GhostBatches() {}

    /** Number of ghost batches of a batch of {@code batchSize} examples: ⌈B/G⌉. */
    public static int count(int batchSize, int ghostBatch) {
        checkGhost(ghostBatch);
        return (batchSize + ghostBatch - 1) / ghostBatch;
    }

    /**
     * Replicated data: cuts {@code batch} (global example indices, in batch order) into ghost batches of
     * {@code ghostBatch} (the last may be smaller) and deals them to {@code workers} in balanced
     * consecutive ranges. Rows are the global indices (a replica's local index is the global one).
     */
    public static StepShare[] deal(int[] batch, int ghostBatch, int workers) {
        checkGhost(ghostBatch);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 (got " + workers + ")");
        }
        int k = count(batch.length, ghostBatch);
        StepShare[] shares = new StepShare[workers];
        for (int p = 0; p < workers; p++) {
            int firstGhost = (int) ((long) k * p / workers);
            int lastGhost = (int) ((long) k * (p + 1) / workers);
            int from = Math.min(batch.length, firstGhost * ghostBatch);
            int to = Math.min(batch.length, lastGhost * ghostBatch);
            int[] rows = java.util.Arrays.copyOfRange(batch, from, to);
            int[] ends = new int[lastGhost - firstGhost];
            for (int g = 0; g < ends.length; g++) {
                ends[g] = Math.min(to, (firstGhost + g + 1) * ghostBatch) - from;
            }
            shares[p] = new StepShare(rows, ends, firstGhost);
        }
        return shares;
    }

    /**
     * Sharded data: worker p's share is {@code owned[p]} (its local rows of the batch, in batch order), cut
     * into consecutive ghost batches of at most {@code ghostBatch}; ghost batches are numbered in worker order.
     */
    public static StepShare[] withinShares(int[][] owned, int ghostBatch) {
        checkGhost(ghostBatch);
        StepShare[] shares = new StepShare[owned.length];
        int next = 0;
        for (int p = 0; p < owned.length; p++) {
            int[] rows = owned[p];
            int k = count(rows.length, ghostBatch);
            int[] ends = new int[k];
            for (int g = 0; g < k; g++) {
                ends[g] = Math.min(rows.length, (g + 1) * ghostBatch);
            }
            shares[p] = new StepShare(rows, ends, next);
            next += k;
        }
        return shares;
    }

    private static void checkGhost(int ghostBatch) {
        if (ghostBatch < 1) {
            throw new IllegalArgumentException("ghost batch must be >= 1 (got " + ghostBatch + ")");
        }
    }
}
