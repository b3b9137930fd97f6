package io.lockstep.noise;

/**
 * Least-squares fit of McCandlish et al.'s steps/examples trade-off (arXiv 1812.06162, section 2)
 * <pre>
 *   S(B) = S_min·(1 + B_crit/B)      equivalently  (S/S_min − 1)(E/E_min − 1) = 1,  E = B·S
 * </pre>
 * to a batch-size sweep: for each batch size B, S is the number of steps needed to reach a fixed target
 * loss. The model is linear in x = 1/B, S = a + b·x, so a least-squares line of S on 1/B gives
 * S_min = a, B_crit = b/a and E_min = S_min·B_crit = b (examples needed as B → 0).
 *
 * <p><b>Relative weighting.</b> The line is fitted by weighted least squares with weights 1/S_i², i.e.
 * it minimizes Σ ((S_i − a − b/B_i)/S_i)², the squared <i>relative</i> residuals. Steps-to-target across a
 * sweep span orders of magnitude and their run-to-run scatter is roughly proportional to S, so plain
 * least squares would let the few small-B runs (largest S, largest absolute scatter) decide both
 * parameters: with 5% multiplicative noise on 11 batch sizes 16…16384 (B_crit = 500) the median B_crit
 * error is ~14% unweighted versus ~2.5% weighted. Weighting by the observed S (rather than the fitted
 * curve) biases B_crit by well under 1% at that noise level. {@link Result#rSquared()} is the weighted
 * coefficient of determination of the same objective.
 *
 * <p>A negative {@code bCrit} means the data show no steps/examples trade-off (S grows with B); it is
 * returned as is for the caller to judge.
 */
public final class CriticalBatchFit {

    private CriticalBatchFit() {
    }

    /**
     * Fits S = S_min·(1 + B_crit/B) by least squares on relative residuals (see the class documentation).
     *
     * @param batchSizes B of each run, finite and &gt; 0; at least two distinct values
     * @param steps      S of each run (steps to the target), finite and &gt; 0; same length
     * @throws IllegalArgumentException for mismatched lengths, fewer than 2 points or distinct batch sizes,
     *                                  non-positive or non-finite inputs, or a fitted S_min ≤ 0 (the
     *                                  points are in the perfect-scaling regime S ∝ 1/B, or too noisy, and
     *                                  B_crit is not identifiable)
     */
    public static Result fit(double[] batchSizes, double[] steps) {
        if (batchSizes.length != steps.length) {
            throw new IllegalArgumentException("batchSizes and steps differ in length (" + batchSizes.length
                    + " vs " + steps.length + ")");
        }
        int n = batchSizes.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 points (B, S) to fit S = S_min(1 + B_crit/B), got " + n);
        }
        double sumW = 0;
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            double b = batchSizes[i];
            double s = steps[i];
            if (!(b > 0) || !Double.isFinite(b)) {
                throw new IllegalArgumentException("batch sizes must be finite and > 0 (got B=" + b + " at index " + i + ")");
            }
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("step counts must be finite and > 0 (got S=" + s + " at index " + i + ")");
            }
            double w = 1.0 / (s * s);
            sumW += w;
            meanX += w / b;
            meanY += w * s;
        }
        meanX /= sumW;
        meanY /= sumW;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        boolean distinct = false;
        for (int i = 0; i < n; i++) {
            if (batchSizes[i] != batchSizes[0]) {
                distinct = true;
            }
            double w = 1.0 / (steps[i] * steps[i]);
            double dx = 1.0 / batchSizes[i] - meanX;
            double dy = steps[i] - meanY;
            sxx += w * dx * dx;
            sxy += w * dx * dy;
            syy += w * dy * dy;
        }
        if (!distinct || !(sxx > 0)) {
            throw new IllegalArgumentException("need at least 2 distinct batch sizes to separate S_min from B_crit"
                    + " (all " + n + " points have B=" + batchSizes[0] + ")");
        }
        double slope = sxy / sxx;
        double intercept = meanY - slope * meanX;
        if (!(intercept > 0)) {
            throw new IllegalArgumentException("fitted S_min = " + intercept + " ≤ 0: the points follow S ∝ 1/B"
                    + " (all B well below B_crit) or are too noisy; B_crit is not identifiable");
        }
        double ssRes = 0;
        for (int i = 0; i < n; i++) {
            double r = (steps[i] - (intercept + slope / batchSizes[i])) / steps[i];
            ssRes += r * r;
        }
        double rSquared = syy > 0 ? 1.0 - ssRes / syy : 1.0;
        return new Result(intercept, slope / intercept, rSquared, n);
    }

    /**
     * A fitted trade-off curve.
     *
     * @param sMin     S_min, steps needed with an unboundedly large batch (the intercept)
     * @param bCrit    B_crit = slope/intercept, the batch size at which S = 2·S_min and E = 2·E_min
     * @param rSquared weighted (1/S²) coefficient of determination of S on 1/B; 1 for an exact fit,
     *                 including when all S are equal
     * @param n        number of points fitted
     */
    public record Result(double sMin, double bCrit, double rSquared, int n) {

        /** E_min = S_min·B_crit, the examples needed with an infinitesimally small batch. */
        public double eMin() {
            return sMin * bCrit;
        }

        /** The fitted S(B) = S_min·(1 + B_crit/B). */
        public double steps(double batchSize) {
            return sMin * (1.0 + bCrit / batchSize);
        }
    }
}
