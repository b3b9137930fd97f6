package io.lockstep.grad;

import java.util.ArrayList;
import java.util.List;

/**
 * Driver-side merge of per-worker {@link GradientSum}s. Sums are accumulated in double precision in
 * the order partials are added (callers add them in partition order, so reruns and retried tasks
 * give bit-identical results). {@link #meanGradient()} divides once by the total example count B.
 *
 * <p>The merge is one pass: {@link #add} keeps a reference to each partial's gradient (which must not change
 * until {@link #meanGradient} is called), and {@code meanGradient} computes, block by block of the parameter
 * vector, 0.0 + g_1[i] + g_2[i] + … in double precision in the order added and divides once by B — the same
 * operations, in the same order, as adding every partial into a zeroed double sum and dividing that, so the
 * result is bit-identical to it, without writing and reading a double sum of every parameter per partial.
 * {@link #reset()} empties it for the next step.
 */
public final class GradientAccumulator {
    /** Parameters merged per block: the block's double sums stay in cache while every partial is added. */
    private static final int BLOCK = 4096;

    private final int numParams;
    private final List<float[]> gradients = new ArrayList<>();
    private double[] block;
    private double lossSum;
    private long count;
    private int parts;
    private double partSqNormSum;

    public GradientAccumulator(int numParams) {
        if (numParams <= 0) {
            throw new IllegalArgumentException("numParams must be positive (got " + numParams + ")");
        }
        this.numParams = numParams;
    }

    /** Adds one worker's partial; an empty partial adds nothing. */
    public GradientAccumulator add(GradientSum part) {
        if (part.isEmpty()) {
            return this;
        }
        float[] g = part.gradientSum();
        if (g.length != numParams) {
            throw new IllegalArgumentException("gradient has " + g.length + " entries, expected " + numParams);
        }
        gradients.add(g);
        lossSum += part.lossSum();
        count += part.count();
        parts += part.parts();
        partSqNormSum += part.partSqNormSum();
        return this;
    }

    /** Empties this accumulator (as new) for the next step; its sum array is kept and overwritten. */
    public GradientAccumulator reset() {
        gradients.clear();
        lossSum = 0;
        count = 0;
        parts = 0;
        partSqNormSum = 0;
        return this;
    }

    /** Total examples B over all added partials. */
    public long count() {
        return count;
    }

    /** Number of non-empty partials. */
    public int nonEmptyWorkers() {
        return gradients.size();
    }

    /** Loss sum over all examples (not a mean). */
    public double lossSum() {
        return lossSum;
    }

    /** Mean loss: loss sum / B. */
    public double meanLoss() {
        requireExamples();
        return lossSum / count;
    }

    /** The averaged gradient G_B = (Σ_i gradient sum_i) / B, as float32 for the optimizer. */
    public float[] meanGradient() {
        requireExamples();
        if (block == null) {
            block = new double[Math.min(BLOCK, numParams)];
        }
        float[] mean = new float[numParams];
        int last = gradients.size() - 1;
        float[] lastGradient = gradients.get(last);
        for (int from = 0; from < numParams; from += BLOCK) {
            int n = Math.min(BLOCK, numParams - from);
            for (int j = 0; j < n; j++) {
                block[j] = 0.0; // the zeroed sum: 0.0 + -0.0 is +0.0
            }
            for (int k = 0; k < last; k++) {
                float[] g = gradients.get(k);
                for (int j = 0; j < n; j++) {
                    block[j] += g[from + j];
                }
            }
            for (int j = 0; j < n; j++) { // the last partial's add fused with the one division
                mean[from + j] = (float) ((block[j] + lastGradient[from + j]) / count);
            }
        }
        return mean;
    }

    /** Number K of small batches (non-empty workers, or micro-batches with accumulation) behind the sum. */
    public int smallBatches() {
        return parts;
    }

    /**
     * Count-weighted mean over the K small batches of ‖g_k‖², the squared norm of each small batch's
     * mean gradient: Σ_k (b_k/B)·‖g_k‖² (McCandlish's ‖G_small‖² with B_small = B/K).
     */
    public double meanSmallBatchSqNorm() {
        requireExamples();
        return partSqNormSum / count;
    }

    private void requireExamples() {
        if (count == 0) {
            throw new IllegalStateException("no examples were aggregated: total count is 0, cannot average the gradient");
        }
    }
}
