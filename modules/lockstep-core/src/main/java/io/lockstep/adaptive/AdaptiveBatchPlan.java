package io.lockstep.adaptive;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.StepBatches;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The batches of a run whose global batch is chosen as it trains. The data order is {@link BatchPlan}'s:
 * one seeded shuffle of [0, N) per epoch. Each step takes the next B_t positions of its epoch's permutation;
 * a step that no longer fits starts the next epoch (the rest of the epoch is dropped, as {@link BatchPlan}
 * drops its last partial batch). So every batch is a function of (N, seed, B_0..B_t) alone — never of the
 * worker count, the machine or the times that led to the choices — and replaying a recorded size sequence
 * ({@link #replay}) reproduces the run's batches exactly.
 *
 * <p>Sizes are defined one step ahead: the trainer defines B_{t+1} right after step t's update
 * ({@link #define}), which is also what tells whether step t ends an epoch. Not thread-safe.
 */
public final class AdaptiveBatchPlan implements StepBatches {
    private final int size;
    private final BatchPlan order;
    private final int firstBatch;
    private int[] sizes = new int[64];
    private int[] epochs = new int[64];
    private int[] offsets = new int[64];
    private long[] examples = new long[64];
    private int defined;
    private int cachedEpoch = -1;
    private int[] cachedPermutation;

    /**
     * A plan whose first step has {@code firstBatch} examples.
     *
     * @throws IllegalArgumentException unless 1 ≤ firstBatch ≤ trainSize
     */
    public AdaptiveBatchPlan(int trainSize, long seed, int firstBatch) {
        if (firstBatch < 1 || firstBatch > trainSize) {
            throw new IllegalArgumentException("globalBatch (" + firstBatch + ") must be in [1, " + trainSize
                    + "], the training set");
        }
        this.size = trainSize;
        this.order = new BatchPlan(trainSize, 1, seed);
        this.firstBatch = firstBatch;
        define(0, firstBatch);
    }

    /** A plan with the recorded sizes {@code history} (as {@link #history()} returns them) defined. */
    public static AdaptiveBatchPlan replay(int trainSize, long seed, List<Segment> history) {
        if (history.isEmpty() || history.get(0).fromStep() != 0) {
            throw new IllegalArgumentException("a batch history starts at step 0, got " + history);
        }
        AdaptiveBatchPlan plan = new AdaptiveBatchPlan(trainSize, seed, history.get(0).batch());
        for (int i = 0; i < history.size(); i++) {
            Segment s = history.get(i);
            long to = s.toStep();
            if (i > 0 && s.fromStep() != plan.defined) {
                throw new IllegalArgumentException("batch history segment " + i + " starts at step " + s.fromStep()
                        + ", expected " + plan.defined);
            }
            for (long t = Math.max(1, s.fromStep()); t <= to; t++) {
                plan.define(t, s.batch());
            }
        }
        return plan;
    }

    /**
     * Defines B of step {@code step}, the first undefined step or any defined one after a rollback
     * ({@link #truncate} first); sizes must fit the training set.
     */
    public void define(long step, int batch) {
        if (step != defined) {
            throw new IllegalStateException("the next batch to define is that of step " + defined + ", not " + step);
        }
        if (batch < 1 || batch > size) {
            throw new IllegalArgumentException("global batch " + batch + " of step " + step + " must be in [1, " + size
                    + "]");
        }
        grow();
        int t = (int) step;
        int epoch = 0;
        int offset = 0;
        long seen = batch;
        if (t > 0) {
            epoch = epochs[t - 1];
            offset = offsets[t - 1] + sizes[t - 1];
            seen += examples[t - 1];
            if (offset + batch > size) {
                epoch++;
                offset = 0;
            }
        }
        sizes[t] = batch;
        epochs[t] = epoch;
        offsets[t] = offset;
        examples[t] = seen;
        defined++;
    }

    /** Forgets the sizes of the steps after {@code lastKept} (a rollback re-runs from there). */
    public void truncate(long lastKept) {
        defined = (int) Math.min(defined, Math.max(1, lastKept + 1));
    }

    /** N, the training set the plan draws from. */
    public int trainSize() {
        return size;
    }

    /** Steps whose size is defined: 0 .. definedSteps() − 1. */
    public long definedSteps() {
        return defined;
    }

    private void grow() {
        if (defined == sizes.length) {
            int n = sizes.length * 2;
            sizes = Arrays.copyOf(sizes, n);
            epochs = Arrays.copyOf(epochs, n);
            offsets = Arrays.copyOf(offsets, n);
            examples = Arrays.copyOf(examples, n);
        }
    }

    private int index(long step) {
        if (step < 0 || step >= defined) {
            throw new IllegalStateException("the batch of step " + step + " is not defined yet (defined: 0.."
                    + (defined - 1) + ")");
        }
        return (int) step;
    }

    @Override
    public int[] batch(long step) {
        int t = index(step);
        int[] perm = permutation(epochs[t]);
        return Arrays.copyOfRange(perm, offsets[t], offsets[t] + sizes[t]);
    }

    private int[] permutation(int epoch) {
        if (epoch != cachedEpoch) {
            cachedPermutation = order.permutation(epoch);
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }

    @Override
    public int batchSize(long step) {
        return sizes[index(step)];
    }

    @Override
    public int epochOf(long step) {
        return epochs[index(step)];
    }

    /** Needs the size of step {@code step + 1}: whether that step still fits in this epoch. */
    @Override
    public boolean endsEpoch(long step) {
        return epochs[index(step + 1)] != epochs[index(step)];
    }

    @Override
    public long examplesThrough(long step) {
        return examples[index(step)];
    }

    @Override
    public int stepsPerEpoch() {
        return size / firstBatch;
    }

    /** The defined sizes as runs of equal batches, in step order. */
    public List<Segment> history() {
        List<Segment> out = new ArrayList<>();
        int from = 0;
        for (int t = 1; t <= defined; t++) {
            if (t == defined || sizes[t] != sizes[from]) {
                out.add(new Segment(from, t - from, sizes[from]));
                from = t;
            }
        }
        return List.copyOf(out);
    }

    /**
     * Steps {@code fromStep .. fromStep + steps − 1} have global batch {@code batch}.
     */
    public record Segment(long fromStep, long steps, int batch) {
        public Segment {
            if (fromStep < 0 || steps < 1 || batch < 1) {
                throw new IllegalArgumentException("invalid batch history segment: from step " + fromStep + ", " + steps
                        + " steps, batch " + batch);
            }
        }

        /** The segment's last step. */
        public long toStep() {
            return fromStep + steps - 1;
        }
    }
}
