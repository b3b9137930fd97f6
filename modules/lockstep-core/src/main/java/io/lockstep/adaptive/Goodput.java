package io.lockstep.adaptive;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Goodput of a global batch (Pollux, Qiao et al. OSDI 2021) with AdaScale's statistical efficiency:
 * <pre>
 *   E(B) = r(B) / S ∈ [b0/B, 1],   S = B / b0,   r(B) = (σ² + μ²) / (σ²/S + μ²)
 *   goodput(B) = B / T(B) · E(B) = b0 · r(B) / T(B)
 * </pre>
 * with σ² the gradient variance at the base batch b0 and μ² = ‖∇F‖² (AdaScale's smoothed estimates) and
 * T(B) the predicted step time. Goodput is in base-batch examples per second: a step of B examples makes as
 * much progress as r(B) steps of b0 examples, so maximizing goodput maximizes τ (AdaScale's scale-invariant
 * iteration) per second. In terms of the per-example noise scale B_simple = b0·σ²/μ², r(B) =
 * (1 + B_simple/b0)/(1 + B_simple/B).
 */
public final class Goodput {
    private Goodput() {}

    /** E(B) = r(B)/S: the fraction of a step's examples that count as base-batch progress. */
    public static double efficiency(double variance, double sqNorm, int baseBatch, int batch) {
        double scale = (double) batch / baseBatch;
        return AdaScale.gain(variance, sqNorm, scale) / scale;
    }

    /** Goodput in base-batch examples per second of a step of {@code batch} examples taking {@code stepMillis}. */
    public static double of(double variance, double sqNorm, int baseBatch, int batch, double stepMillis) {
        return batch / (stepMillis / 1000.0) * efficiency(variance, sqNorm, baseBatch, batch);
    }

    /**
     * The candidate batches of a range: {@code min · 2^k} up to {@code max}, and {@code max} itself.
     *
     * @throws IllegalArgumentException unless 1 ≤ min ≤ max
     */
    public static List<Integer> candidates(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max, got min " + min + ", max " + max);
        }
        List<Integer> out = new ArrayList<>();
        for (long b = min; b < max; b *= 2) {
            out.add((int) b);
        }
        out.add(max);
        return List.copyOf(out);
    }

    /**
     * The candidate of highest goodput (the smaller batch on a tie).
     *
     * @param stepMillis predicted step time T(B) in ms of each candidate
     */
    public static Choice best(List<Integer> candidates, double variance, double sqNorm, int baseBatch,
                              IntToDoubleFunction stepMillis) {
        if (!(variance > 0) || !(sqNorm >= 0) || !Double.isFinite(variance) || !Double.isFinite(sqNorm)) {
            throw new IllegalArgumentException("goodput needs a positive finite variance and a finite squared norm,"
                    + " got " + variance + " and " + sqNorm);
        }
        Choice best = null;
        for (int b : candidates) {
            double t = stepMillis.applyAsDouble(b);
            if (!(t > 0) || !Double.isFinite(t)) {
                throw new IllegalArgumentException("predicted step time of B=" + b + " must be positive, got " + t);
            }
            Choice c = new Choice(b, of(variance, sqNorm, baseBatch, b, t), efficiency(variance, sqNorm, baseBatch, b),
                    t);
            if (best == null || c.goodput() > best.goodput()) {
                best = c;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no candidate batches");
        }
        return best;
    }

    /**
     * One batch's predicted goodput.
     *
     * @param batch      B
     * @param goodput    base-batch examples per second, B/T · E
     * @param efficiency E(B) ∈ [b0/B, 1]
     * @param stepMillis predicted T(B)
     */
    public record Choice(int batch, double goodput, double efficiency, double stepMillis) {}
}
