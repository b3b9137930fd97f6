package io.lockstep.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * How the flat parameter vector is cut into per-layer parameter blocks, in the order DL4J lays them
 * out (its updater's layer order). Used for the masks of regularization, optimization and running
 * statistics, and for per-layer optimizers (LARS/LAMB).
 */
public record ParamLayout(List<ParamBlock> blocks) implements Serializable {
    public ParamLayout {
        blocks = List.copyOf(blocks);
        int expected = 0;
        for (ParamBlock b : blocks) {
            if (b.offset() != expected) {
                throw new IllegalArgumentException("parameter blocks are not contiguous at " + b);
            }
            expected = b.end();
        }
    }

    /** Total number of parameters. */
    public int numParams() {
        return blocks.isEmpty() ? 0 : blocks.get(blocks.size() - 1).end();
    }

    /** A mask that is true for every weight element ({@link ParamRole#WEIGHT}): where L2/weight decay apply. */
    public boolean[] weightMask() {
        return mask(ParamRole.WEIGHT);
    }

    /** A mask that is true for every element the optimizer updates from gradients (weights and biases). */
    public boolean[] trainableMask() {
        boolean[] m = new boolean[numParams()];
        for (ParamBlock b : blocks) {
            if (b.trainable()) {
                Arrays.fill(m, b.offset(), b.end(), true);
            }
        }
        return m;
    }

    /** A mask that is true for every element with role {@code role}. */
    public boolean[] mask(ParamRole role) {
        boolean[] m = new boolean[numParams()];
        for (ParamBlock b : blocks) {
            if (b.role() == role) {
                Arrays.fill(m, b.offset(), b.end(), true);
            }
        }
        return m;
    }

    /** Element ranges {@code {from, to}} of the blocks with role {@code role}, in order. */
    public int[][] ranges(ParamRole role) {
        return blocks.stream().filter(b -> b.role() == role).map(b -> new int[] {b.offset(), b.end()})
                .toArray(int[][]::new);
    }

    /** Element ranges {@code {from, to}} of the trainable blocks, in order. */
    public int[][] trainableRanges() {
        return blocks.stream().filter(ParamBlock::trainable).map(b -> new int[] {b.offset(), b.end()})
                .toArray(int[][]::new);
    }

    /** True when some block has role {@code role}. */
    public boolean has(ParamRole role) {
        return blocks.stream().anyMatch(b -> b.role() == role);
    }

    /** True when every block is trainable (no running statistics, nothing frozen). */
    public boolean allTrainable() {
        return blocks.stream().allMatch(ParamBlock::trainable);
    }
}
