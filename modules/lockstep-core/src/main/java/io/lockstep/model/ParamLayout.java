package io.lockstep.model;

import java.io.Serializable;
import java.util.List;

/**
 * How the flat parameter vector is cut into per-layer parameter blocks, in the order DL4J
 * lays them out ({@code MultiLayerNetwork.params()}). Used for regularization masks and
 * per-layer optimizers (LARS/LAMB).
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

    /** A mask that is true for every weight element (non-bias), i.e. where L2/weight decay applies. */
    public boolean[] weightMask() {
        boolean[] mask = new boolean[numParams()];
        for (ParamBlock b : blocks) {
            if (!b.bias()) {
                java.util.Arrays.fill(mask, b.offset(), b.end(), true);
            }
        }
        return mask;
    }
}
