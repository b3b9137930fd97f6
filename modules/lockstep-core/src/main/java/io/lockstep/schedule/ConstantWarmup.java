package io.lockstep.schedule;

/**
 * "Constant warmup" (Goyal et al. 2017, arXiv:1706.02677, §2.2, after He et al. 2016,
 * arXiv:1512.03385): η_low for t &lt; T_w, then the wrapped schedule at the same absolute step,
 * i.e. a jump at T_w. Goyal report that the jump causes a training-error spike at large batch;
 * kept here for the warmup ablation.
 *
 * @param warmupSteps T_w, &gt; 0
 * @param lowLr       η_low, finite and &ge; 0
 * @param after       the post-warmup schedule (normally a decay starting at step T_w)
 */
public record ConstantWarmup(long warmupSteps, double lowLr, LrSchedule after) implements LrSchedule {

    public ConstantWarmup {
        Checks.positive("warmupSteps", warmupSteps);
        Checks.lr("lowLr", lowLr);
        Checks.notNull("after", after);
    }

    @Override
    public double lr(long step) {
        Checks.step(step);
        return step < warmupSteps ? lowLr : after.lr(step);
    }

    @Override
    public String describe() {
        return "constant warmup(" + lowLr + " for " + warmupSteps + " steps), then " + after.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
