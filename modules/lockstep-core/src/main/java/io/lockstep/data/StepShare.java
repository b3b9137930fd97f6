package io.lockstep.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One worker's part of a step: whole ghost batches, each the examples of one forward/backward pass.
 * {@code rows} lists the worker's local row indices, ghost batch by ghost batch; ghost batch k of this
 * share is {@code rows[ghostStart(k), ghostEnd(k))} and has the step-wide index {@code firstGhost + k}
 * (which seeds its random stream, so it must not depend on the worker count where the composition
 * does not).
 *
 * @param rows       local row indices, grouped by ghost batch
 * @param ghostEnds  exclusive end offset in {@code rows} of each ghost batch (strictly increasing)
 * @param firstGhost step-wide index of this share's first ghost batch
 */
public record StepShare(int[] rows, int[] ghostEnds, int firstGhost) implements Serializable {
    public StepShare {
        int prev = 0;
        for (int end : ghostEnds) {
            if (end <= prev) {
                throw new IllegalArgumentException("ghost batches must be non-empty and in order: " + Arrays.toString(ghostEnds));
            }
            prev = end;
        }
        if (prev != rows.length) {
            throw new IllegalArgumentException("ghost batches cover " + prev + " of " + rows.length + " rows");
        }
        if (firstGhost < 0) {
            throw new IllegalArgumentException("firstGhost must be >= 0 (got " + firstGhost + ")");
        }
    }

    /** A share with no examples (its worker idles this step). */
    public static StepShare empty(int firstGhost) {
        return new StepShare(new int[0], new int[0], firstGhost);
    }

    public int ghostCount() { return ghostEnds.length; }
    public int ghostStart(int k) { return k == 0 ? 0 : ghostEnds[k - 1]; }
    public int ghostEnd(int k) { return ghostEnds[k]; }
    /** Examples in this share. */
    public int size() { return rows.length; }
    public boolean isEmpty() { return rows.length == 0; }

    /** The rows of ghost batch {@code k} (a copy). */
    public int[] ghost(int k) {
        return Arrays.copyOfRange(rows, ghostStart(k), ghostEnd(k));
    }
}
