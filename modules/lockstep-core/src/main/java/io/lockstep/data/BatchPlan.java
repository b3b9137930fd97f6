package io.lockstep.data;

import java.util.SplittableRandom;

/**
 * Which examples form each global batch. One seeded shuffle of {@code [0, N)} per epoch; step
 * {@code t} of an epoch takes positions {@code [tB, (t+1)B)} of that permutation. The last partial
 * batch of an epoch is dropped so that every step has exactly B examples. The plan depends only on
 * (N, B, seed) — never on the number of workers — which is what makes runs with different worker
 * counts comparable step by step.
 */
public final class BatchPlan {
    private final int size;
    private final int globalBatch;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] cachedPermutation;

    public BatchPlan(int size, int globalBatch, long seed) {
        if (globalBatch <= 0) {
            throw new IllegalArgumentException("globalBatch must be positive (got " + globalBatch + ")");
        }
        if (globalBatch > size) {
            throw new IllegalArgumentException("globalBatch (" + globalBatch + ") is larger than the training set ("
                    + size + " examples)");
        }
        this.size = size;
        this.globalBatch = globalBatch;
        this.seed = seed;
    }

    /** Steps per epoch: {@code floor(N / B)}. */
    public int stepsPerEpoch() {
        return size / globalBatch;
    }

    /** The epoch (0-based) that step {@code step} (0-based) belongs to. */
    public int epochOf(long step) {
        return (int) (step / stepsPerEpoch());
    }

    /** Global example indices of step {@code step}'s batch (B entries, in permutation order). */
    public int[] batch(long step) {
        int[] perm = cachedPermutation(epochOf(step));
        int from = (int) (step % stepsPerEpoch()) * globalBatch;
        int[] out = new int[globalBatch];
        System.arraycopy(perm, from, out, 0, globalBatch);
        return out;
    }

    /** The shuffled order of epoch {@code epoch}: Fisher–Yates driven by a per-epoch seeded generator. A copy. */
    public int[] permutation(int epoch) {
        return cachedPermutation(epoch).clone();
    }

    /** The cached permutation itself; callers must not modify it. */
    private synchronized int[] cachedPermutation(int epoch) {
        if (epoch != cachedEpoch) {
            int[] p = new int[size];
            for (int i = 0; i < size; i++) {
                p[i] = i;
            }
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = size - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            cachedPermutation = p;
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }
}
