package io.lockstep.schedule;

/** Builds the {@link LrSchedule} a {@link ScheduleConfig} describes. */
public final class Schedules {
    private Schedules() {
    }

    /**
     * The schedule for a run: the decay phase runs from t0 = {@code cfg.warmupSteps()} to
     * {@code totalSteps} starting at {@code peakLr}; a warmup, if any, covers steps [0, t0) and
     * starts from {@code cfg.warmupStartLr()}, or from {@code referenceLr} when that is null
     * (Goyal et al. 2017, arXiv:1706.02677). Constant warmup holds that same start value.
     *
     * @param cfg         the shape
     * @param peakLr      the scaled rate, normally {@code scaling.scale(referenceLr, B, B_ref)}; finite and &gt; 0
     * @param referenceLr the unscaled rate η_ref; finite and &gt; 0
     * @param totalSteps  T, the number of training steps; &gt; {@code cfg.warmupSteps()}
     * @throws IllegalArgumentException naming the bad argument and its value
     */
    public static LrSchedule create(ScheduleConfig cfg, double peakLr, double referenceLr, long totalSteps) {
        Checks.notNull("cfg", cfg);
        Checks.positive("peakLr", peakLr);
        Checks.positive("referenceLr", referenceLr);
        Checks.positive("totalSteps", totalSteps);
        long t0 = cfg.warmupSteps();
        if (t0 >= totalSteps) {
            throw new IllegalArgumentException("warmupSteps (" + t0 + ") must be less than totalSteps (" + totalSteps
                    + "): no steps would be left after warmup=" + cfg.warmup());
        }
        if ((cfg.decay() == ScheduleConfig.Decay.COSINE || cfg.decay() == ScheduleConfig.Decay.POLY)
                && cfg.minLr() > peakLr) {
            throw new IllegalArgumentException("minLr (" + cfg.minLr() + ") must not exceed the peak learning rate ("
                    + peakLr + ") for decay=" + cfg.decay());
        }
        LrSchedule main = switch (cfg.decay()) {
            case CONSTANT -> new ConstantSchedule(peakLr);
            case STEP -> new StepDecay(peakLr, cfg.stepFactor(), cfg.stepEvery(), t0);
            case COSINE -> new CosineDecay(peakLr, cfg.minLr(), t0, totalSteps);
            case POLY -> new PolynomialDecay(peakLr, cfg.minLr(), cfg.polyPower(), t0, totalSteps);
        };
        double start = cfg.warmupStartLr() != null ? cfg.warmupStartLr() : referenceLr;
        return switch (cfg.warmup()) {
            case NONE -> main;
            case GRADUAL -> new GradualWarmup(t0, start, main);
            case CONSTANT -> new ConstantWarmup(t0, start, main);
        };
    }
}
