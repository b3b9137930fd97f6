package io.lockstep.schedule;

/**
 * Gradual (linear) warmup of Goyal et al. 2017, "Accurate, Large Minibatch SGD: Training ImageNet
 * in 1 Hour", arXiv:1706.02677, §2.2: for t &lt; T_w,
 * η_t = η_start + (η_peak − η_start)·t/T_w; from T_w on, the wrapped schedule at the same
 * absolute step t. Step 0 uses η_start; η_peak is {@code after.lr(T_w)}, so the ramp meets the
 * post-warmup schedule exactly. Goyal start from the unscaled rate η_ref and ramp to k·η_ref over
 * 5 epochs; if η_start &gt; η_peak the ramp goes down instead.
 *
 * @param warmupSteps T_w, &gt; 0
 * @param startLr     η_start, finite and &ge; 0
 * @param after       the post-warmup schedule (normally a decay starting at step T_w)
 */
public record GradualWarmup(long warmupSteps, double startLr, LrSchedule after) implements LrSchedule {

    public GradualWarmup {
        Checks.positive("warmupSteps", warmupSteps);
        Checks.lr("startLr", startLr);
        Checks.notNull("after", after);
    }

    /** η_peak, the rate the ramp reaches at step T_w: {@code after.lr(warmupSteps)}. */
    public double peakLr() {
        return after.lr(warmupSteps);
    }

    @Override
    public double lr(long step) {
        Checks.step(step);
        if (step >= warmupSteps) {
            return after.lr(step);
        }
        return startLr + (peakLr() - startLr) * ((double) step / warmupSteps);
    }

    @Override
    public String describe() {
        return "gradual warmup(" + startLr + " -> " + peakLr() + " over " + warmupSteps + " steps), then "
                + after.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
