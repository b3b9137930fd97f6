package io.lockstep.perf;

import io.lockstep.noise.CriticalBatchFit;
import java.util.Locale;

/**
 * Steps to a fixed target as a function of the global batch, S(B) = S_min·(1 + B_crit/B) (McCandlish et al.
 * 2018, arXiv 1812.06162): perfect scaling (S ∝ 1/B) well below B_crit, no gain from larger batches well above.
 *
 * @param sMin   S_min, the steps needed with an unboundedly large batch
 * @param bCrit  B_crit, the critical batch (S(B_crit) = 2·S_min)
 * @param source where the two numbers came from, for the user
 */
public record StepsModel(double sMin, double bCrit, String source) {
    public StepsModel {
        if (!(sMin > 0) || !Double.isFinite(sMin)) {
            throw new IllegalArgumentException("S_min must be finite and > 0, got " + sMin);
        }
        if (!(bCrit > 0) || !Double.isFinite(bCrit)) {
            throw new IllegalArgumentException("B_crit must be finite and > 0, got " + bCrit);
        }
    }

    /** S(B) = S_min·(1 + B_crit/B). */
    public double steps(double globalBatch) {
        if (!(globalBatch > 0)) {
            throw new IllegalArgumentException("global batch must be > 0, got " + globalBatch);
        }
        return sMin * (1 + bCrit / globalBatch);
    }

    /**
     * The curve through one measurement: a run with batch B needed S steps, and B_crit is known (e.g. B_crit ≈
     * B_simple), so S_min = S / (1 + B_crit/B).
     */
    public static StepsModel throughMeasurement(int globalBatch, double steps, double bCrit, String source) {
        if (!(steps > 0) || !Double.isFinite(steps)) {
            throw new IllegalArgumentException("steps to target must be finite and > 0, got " + steps);
        }
        if (!(bCrit > 0) || !Double.isFinite(bCrit)) {
            throw new IllegalArgumentException("B_crit must be finite and > 0, got " + bCrit);
        }
        if (globalBatch < 1) {
            throw new IllegalArgumentException("global batch must be >= 1, got " + globalBatch);
        }
        return new StepsModel(steps / (1 + bCrit / globalBatch), bCrit, source);
    }

    /** Least-squares fit to measured (B, S) pairs with at least two distinct B ({@link CriticalBatchFit}). */
    public static StepsModel fit(double[] batches, double[] steps) {
        CriticalBatchFit.Result r = CriticalBatchFit.fit(batches, steps);
        if (!(r.bCrit() > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the runs show no steps/batch trade-off"
                    + " (fitted B_crit = %.3g <= 0: steps to target did not fall as B grew)", r.bCrit()));
        }
        return new StepsModel(r.sMin(), r.bCrit(), String.format(Locale.ROOT,
                "fitted to %d runs' steps to target (weighted R^2 = %.3f)", r.n(), r.rSquared()));
    }
}
