package io.lockstep.schedule;

/**
 * Cosine annealing without restarts (Loshchilov &amp; Hutter 2016, "SGDR: Stochastic Gradient
 * Descent with Warm Restarts", arXiv:1608.03983, eq. 5 with a single cycle):
 * η_t = η_min + ½(η_peak − η_min)(1 + cos(π·(t − t0)/(T − t0))), t clamped to [t0, T], so
 * η_peak up to t0 and η_min from T on.
 *
 * @param peakLr η_peak, finite and &ge; 0
 * @param minLr  η_min, finite, in [0, peakLr]
 * @param start  t0, &ge; 0
 * @param end    T, &gt; start
 */
public record CosineDecay(double peakLr, double minLr, long start, long end) implements LrSchedule {

    public CosineDecay {
        Checks.lr("peakLr", peakLr);
        Checks.lr("minLr", minLr);
        if (minLr > peakLr) {
            throw new IllegalArgumentException("minLr (" + minLr + ") must not exceed peakLr (" + peakLr + ")");
        }
        Checks.window(start, end);
    }

    @Override
    public double lr(long step) {
        double x = Checks.progress(step, start, end);
        return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * x));
    }

    @Override
    public String describe() {
        return "cosine(peak=" + peakLr + ", min=" + minLr + ", steps " + start + ".." + end + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
