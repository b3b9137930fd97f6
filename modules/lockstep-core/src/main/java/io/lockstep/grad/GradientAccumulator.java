package io.lockstep.grad;

/**
 * Driver-side merge of per-worker {@link GradientSum}s. Sums are accumulated in double precision in
 * the order partials are added (callers add them in partition order, so reruns and retried tasks
 * give bit-identical results). {@link #meanGradient()} divides once by the total example count B.
 * {@link #reset()} empties it for the next step, keeping its sum array (a step allocates no new one).
 */
public final class GradientAccumulator {
    private final int numParams;
    private double[] sum;
    private double lossSum;
    private long count;
    private int workers;
    private int parts;
    private double partSqNormSum;

    public GradientAccumulator(int numParams) {
        if (numParams <= 0) {
            throw new IllegalArgumentException("numParams must be positive (got " + numParams + ")");
        }
        this.numParams = numParams;
    }

    /** Adds one worker's partial; empty partials only count as a (zero-example) worker. */
    public GradientAccumulator add(GradientSum part) {
        if (part.isEmpty()) {
            return this;
        }
        float[] g = part.gradientSum();
        if (g.length != numParams) {
            throw new IllegalArgumentException("gradient has " + g.length + " entries, expected " + numParams);
        }
        if (sum == null) {
            sum = new double[numParams];
        }
        if (workers == 0) {
            for (int i = 0; i < numParams; i++) {
                sum[i] = 0.0 + g[i]; // as adding to a zeroed sum (0.0 + -0.0 is +0.0), without zeroing first
            }
        } else {
            for (int i = 0; i < numParams; i++) {
                sum[i] += g[i];
            }
        }
        lossSum += part.lossSum();
        count += part.count();
        workers++;
        parts += part.parts();
        partSqNormSum += part.partSqNormSum();
        return this;
    }

    /** Empties this accumulator (as new) for the next step; its sum array is kept and overwritten. */
    public GradientAccumulator reset() {
        lossSum = 0;
        count = 0;
        workers = 0;
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
        return workers;
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
        float[] mean = new float[numParams];
        for (int i = 0; i < numParams; i++) {
            mean[i] = (float) (sum[i] / count);
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
