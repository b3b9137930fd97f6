package io.lockstep.schedule;

/**
 * Polynomial ("poly") decay: η_t = η_end + (η_peak − η_end)(1 − (t − t0)/(T − t0))^p, t clamped
 * to [t0, T]. The "poly" policy of Chen et al. 2016 (DeepLab), arXiv:1606.00915; with p = 2 the
 * schedule used with LARS by You et al. 2017, arXiv:1708.03888. p = 1 is a linear decay.
 *
 * @param peakLr η_peak, finite and &ge; 0
 * @param endLr  η_end, finite, in [0, peakLr]
 * @param power  p, finite and &gt; 0
 * @param start  t0, &ge; 0
 * @param end    T, &gt; start
 */
public record PolynomialDecay(double peakLr, double endLr, double power, long start, long end)
        implements LrSchedule {

    public PolynomialDecay {
        Checks.lr("peakLr", peakLr);
        Checks.lr("endLr", endLr);
        if (endLr > peakLr) {
            throw new IllegalArgumentException("endLr (" + endLr + ") must not exceed peakLr (" + peakLr + ")");
        }
        Checks.positive("power", power);
        Checks.window(start, end);
    }

    @Override
    public double lr(long step) {
        double x = Checks.progress(step, start, end);
        return endLr + (peakLr - endLr) * Math.pow(1 - x, power);
    }

    @Override
    public String describe() {
        return "poly(peak=" + peakLr + ", end=" + endLr + ", power=" + power + ", steps " + start + ".." + end + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
