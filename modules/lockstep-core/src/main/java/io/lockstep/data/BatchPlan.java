package io.lockstep.data;

import java.util.SplittableRandom;

/**
 * Which examples form each global batch. One seeded shuffle of {@code [0, N)} per epoch; step
 * {@code t} of epoch {@code e} takes positions {@code [t·B_e, (t+1)·B_e)} of that permutation, where
 * {@code B_e} is the epoch's batch from a {@link BatchSizeSchedule} (constant B unless the batch
 * grows). The last partial batch of an epoch is dropped so that every step of epoch {@code e} has
 * exactly {@code B_e} examples. The plan depends only on (N, batch schedule, seed) — never on the
 * number of workers — which is what makes runs with different worker counts comparable step by step.
 */
public final class BatchPlan implements StepBatches {
    private final int size;
    private final BatchSizeSchedule batches;
    private final long seed;
    /** {@code starts[e]}: first step of epoch e, for e up to the epoch from which the batch is constant. */
    private final long[] starts;
    private int cachedEpoch = -1;
    private int[] cachedPermutation;

    public BatchPlan(int size, int globalBatch, long seed) {
        this(BatchSizeSchedule.constant(globalBatch, size), seed);
    }

    public BatchPlan(BatchSizeSchedule batches, long seed) {
        this.size = batches.trainSize();
        this.batches = batches;
        this.seed = seed;
        int fixedFrom = batches.lastGrowthEpoch();
        starts = new long[fixedFrom + 1];
        for (int e = 0; e < fixedFrom; e++) {
            starts[e + 1] = starts[e] + batches.stepsOf(e);
        }
    }

    public BatchSizeSchedule batchSchedule() {
        return batches;
    }

    /** Steps of the first epoch: {@code floor(N / B)}. Without growth, the steps of every epoch. */
    @Override
    public int stepsPerEpoch() {
        return batches.stepsOf(0);
    }

    /** Steps of epoch {@code epoch}: {@code floor(N / B_e)}. */
    public int stepsInEpoch(int epoch) {
        return batches.stepsOf(epoch);
    }

    /** The first step (0-based) of epoch {@code epoch}; also the total steps of {@code epoch} epochs. */
    public long firstStepOf(int epoch) {
        int fixedFrom = starts.length - 1;
        if (epoch <= fixedFrom) {
            return starts[epoch];
        }
        return starts[fixedFrom] + (long) (epoch - fixedFrom) * batches.stepsOf(fixedFrom);
    }

    /** The epoch (0-based) that step {@code step} (0-based) belongs to. */
    @Override
    public int epochOf(long step) {
        int fixedFrom = starts.length - 1;
        if (step >= starts[fixedFrom]) {
            return fixedFrom + (int) ((step - starts[fixedFrom]) / batches.stepsOf(fixedFrom));
        }
        int e = 0;
        while (starts[e + 1] <= step) {
            e++;
        }
        return e;
    }

    /** True if step {@code step} is the last step of its epoch. */
    @Override
    public boolean endsEpoch(long step) {
        return step + 1 == firstStepOf(epochOf(step) + 1);
    }

    /** The global batch of step {@code step}. */
    @Override
    public int batchSize(long step) {
        return batches.batchOf(epochOf(step));
    }

    /** Examples in steps {@code 0..step} inclusive (the data seen after step {@code step}). */
    @Override
    public long examplesThrough(long step) {
        int epoch = epochOf(step);
        long examples = 0;
        for (int e = 0; e < Math.min(epoch, starts.length - 1); e++) {
            examples += (long) batches.stepsOf(e) * batches.batchOf(e);
        }
        long from = firstStepOf(Math.min(epoch, starts.length - 1));
        return examples + (step + 1 - from) * batches.batchOf(epoch);
    }

    /** Global example indices of step {@code step}'s batch ({@code B_e} entries, in permutation order). */
    @Override
    public int[] batch(long step) {
        int epoch = epochOf(step);
        int batch = batches.batchOf(epoch);
        int[] perm = cachedPermutation(epoch);
        int from = (int) (step - firstStepOf(epoch)) * batch;
        int[] out = new int[batch];
        System.arraycopy(perm, from, out, 0, batch);
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
