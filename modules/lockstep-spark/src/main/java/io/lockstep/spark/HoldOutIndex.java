package io.lockstep.spark;

import io.lockstep.data.DataException;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Which global indices a seeded hold-out puts into the validation set, and the indices the examples
 * get in each part (each part keeps the original order). Makes exactly the choice of
 * {@link io.lockstep.data.HoldOut#split} (same count, same generator, same selection sampling), so an
 * in-memory dataset and the same rows read from a table split identically. Compact: one bit per
 * example plus a running count per 64 examples.
 */
final class HoldOutIndex implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int size;
    private final int held;
    private final long[] words;
    private final int[] heldBefore;

    private HoldOutIndex(int size, int held, long[] words) {
        this.size = size;
        this.held = held;
        this.words = words;
        this.heldBefore = new int[words.length];
        int running = 0;
        for (int w = 0; w < words.length; w++) {
            heldBefore[w] = running;
            running += Long.bitCount(words[w]);
        }
    }

    /** Holds out {@code round(fraction × size)} examples chosen with {@code seed}, as HoldOut does. */
    static HoldOutIndex choose(String name, int size, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new DataException("validation fraction must be in (0, 1) (got " + fraction + ")");
        }
        int held = (int) Math.round(fraction * size);
        if (held == 0 || held == size) {
            throw new DataException(name + ": a validation fraction of " + fraction + " of " + size
                    + " examples leaves one part empty");
        }
        // Selection sampling (Knuth's Algorithm S) with HoldOut's generator and seed mixing.
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        long[] words = new long[(size + 63) >>> 6];
        int needed = held;
        for (int i = 0; i < size && needed > 0; i++) {
            if (rng.nextInt(size - i) < needed) {
                words[i >>> 6] |= 1L << (i & 63);
                needed--;
            }
        }
        return new HoldOutIndex(size, held, words);
    }

    int size() { return size; }
    int held() { return held; }

    boolean isHeld(long index) {
        int i = (int) index;
        return (words[i >>> 6] & (1L << (i & 63))) != 0;
    }

    /** Number of held-out examples before {@code index}: its index in the validation part if held. */
    int validationIndex(long index) {
        int i = (int) index;
        return heldBefore[i >>> 6] + Long.bitCount(words[i >>> 6] & ((1L << (i & 63)) - 1));
    }

    /** Its index in the training part, for an example that is not held out. */
    int trainIndex(long index) {
        return (int) index - validationIndex(index);
    }
}
