package io.lockstep.schedule;

/**
 * Step decay: η_peak before {@code start}, then η_peak·γ^floor((t − start)/k). The ImageNet
 * schedule of He et al. 2016, arXiv:1512.03385, and Goyal et al. 2017, arXiv:1706.02677
 * (γ = 0.1 at fixed epochs).
 *
 * @param peakLr η_peak, finite and &ge; 0
 * @param factor γ, in (0, 1]
 * @param every  k, steps between decays, &gt; 0
 * @param start  t0, the step where decay counting starts (usually the end of warmup), &ge; 0
 */
public record StepDecay(double peakLr, double factor, long every, long start) implements LrSchedule {

    public StepDecay {
        Checks.lr("peakLr", peakLr);
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1] (got " + factor + ")");
        }
        Checks.positive("every", every);
        Checks.nonNegative("start", start);
    }

    @Override
    public double lr(long step) {
        Checks.step(step);
        if (step < start) {
            return peakLr;
        }
        return peakLr * Math.pow(factor, (double) ((step - start) / every));
    }

    @Override
    public String describe() {
        return "step(peak=" + peakLr + ", factor=" + factor + ", every=" + every + " steps, from step " + start + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
