package io.lockstep.schedule;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The shape of a learning-rate schedule, independent of the learning rate itself (the peak comes
 * from {@link LrScaling}; {@link Schedules#create} combines the two). Immutable and validated;
 * every error names the field and the value. Fields a decay does not use (e.g. {@code polyPower}
 * for {@code step}) are still validated and kept, so that {@code withDecay} sweeps keep them; set
 * {@code stepEvery} before switching to {@code decay=step}.
 *
 * @param decay         the post-warmup shape, from step {@code warmupSteps} to the last step
 * @param warmup        warmup kind; {@code none} exactly when {@code warmupSteps == 0}
 * @param warmupSteps   T_w, &ge; 0; positive iff {@code warmup != none}
 * @param warmupStartLr rate at step 0 of the warmup (and the low rate of constant warmup); null means
 *                      the reference (unscaled) rate η_ref, Goyal et al.'s choice; else finite and &ge; 0
 * @param stepFactor    step decay γ, in (0, 1]
 * @param stepEvery     step decay period k in steps; &gt; 0 when {@code decay=step}, else &ge; 0 (0 = unset)
 * @param minLr         final rate of cosine and poly decay, finite and &ge; 0
 * @param polyPower     poly decay exponent p, finite and &gt; 0
 */
public record ScheduleConfig(Decay decay, Warmup warmup, long warmupSteps, Double warmupStartLr,
                             double stepFactor, long stepEvery, double minLr, double polyPower)
        implements Serializable {

    public static final double DEFAULT_STEP_FACTOR = 0.1;
    public static final double DEFAULT_MIN_LR = 0.0;
    public static final double DEFAULT_POLY_POWER = 1.0;

    /** The post-warmup shape. */
    public enum Decay {
        /** The peak rate throughout. */
        CONSTANT("constant"),
        /** {@link StepDecay}. */
        STEP("step"),
        /** {@link CosineDecay}. */
        COSINE("cosine"),
        /** {@link PolynomialDecay}. */
        POLY("poly");

        private final String cliName;

        Decay(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static String validNames() {
            return Arrays.stream(values()).map(Decay::cliName).collect(Collectors.joining(", "));
        }

        /** Case-insensitive; the error names the bad value and lists the valid ones. */
        public static Decay parse(String name) {
            return ScheduleConfig.parse(name, values(), "decay", validNames());
        }

        @Override
        public String toString() {
            return cliName;
        }
    }

    /** The warmup phase, steps [0, warmupSteps). */
    public enum Warmup {
        /** No warmup. */
        NONE("none"),
        /** {@link GradualWarmup}. */
        GRADUAL("gradual"),
        /** {@link ConstantWarmup}. */
        CONSTANT("constant");

        private final String cliName;

        Warmup(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static String validNames() {
            return Arrays.stream(values()).map(Warmup::cliName).collect(Collectors.joining(", "));
        }

        /** Case-insensitive; the error names the bad value and lists the valid ones. */
        public static Warmup parse(String name) {
            return ScheduleConfig.parse(name, values(), "warmup", validNames());
        }

        @Override
        public String toString() {
            return cliName;
        }
    }

    public ScheduleConfig {
        Checks.notNull("decay", decay);
        Checks.notNull("warmup", warmup);
        Checks.nonNegative("warmupSteps", warmupSteps);
        if (warmup != Warmup.NONE && warmupSteps == 0) {
            throw new IllegalArgumentException(
                    "warmupSteps must be positive when warmup=" + warmup + " (got " + warmupSteps + ")");
        }
        if (warmup == Warmup.NONE && warmupSteps != 0) {
            throw new IllegalArgumentException(
                    "warmupSteps must be 0 when warmup=none (got " + warmupSteps + ")");
        }
        if (warmupStartLr != null) {
            Checks.lr("warmupStartLr", warmupStartLr);
        }
        if (!(stepFactor > 0 && stepFactor <= 1)) {
            throw new IllegalArgumentException("stepFactor must be in (0, 1] (got " + stepFactor + ")");
        }
        if (decay == Decay.STEP && stepEvery <= 0) {
            throw new IllegalArgumentException("stepEvery must be positive when decay=step (got " + stepEvery + ")");
        }
        Checks.nonNegative("stepEvery", stepEvery);
        Checks.lr("minLr", minLr);
        Checks.positive("polyPower", polyPower);
    }

    /** Constant rate, no warmup, defaults elsewhere (γ 0.1, minLr 0, p 1). */
    public static ScheduleConfig constant() {
        return new ScheduleConfig(Decay.CONSTANT, Warmup.NONE, 0, null, DEFAULT_STEP_FACTOR, 0, DEFAULT_MIN_LR,
                DEFAULT_POLY_POWER);
    }

    public ScheduleConfig withDecay(Decay v) {
        return new ScheduleConfig(v, warmup, warmupSteps, warmupStartLr, stepFactor, stepEvery, minLr, polyPower);
    }

    /** Changes the warmup kind; {@code none} also sets {@code warmupSteps} to 0, other kinds keep it. */
    public ScheduleConfig withWarmup(Warmup v) {
        long steps = v == Warmup.NONE ? 0 : warmupSteps;
        return new ScheduleConfig(decay, v, steps, warmupStartLr, stepFactor, stepEvery, minLr, polyPower);
    }

    /** Sets the warmup kind and length together. */
    public ScheduleConfig withWarmup(Warmup v, long steps) {
        return new ScheduleConfig(decay, v, steps, warmupStartLr, stepFactor, stepEvery, minLr, polyPower);
    }

    public ScheduleConfig withWarmupSteps(long v) {
        return new ScheduleConfig(decay, warmup, v, warmupStartLr, stepFactor, stepEvery, minLr, polyPower);
    }

    /** {@code null} means "start from the reference (unscaled) rate". */
    public ScheduleConfig withWarmupStartLr(Double v) {
        return new ScheduleConfig(decay, warmup, warmupSteps, v, stepFactor, stepEvery, minLr, polyPower);
    }

    public ScheduleConfig withStepFactor(double v) {
        return new ScheduleConfig(decay, warmup, warmupSteps, warmupStartLr, v, stepEvery, minLr, polyPower);
    }

    public ScheduleConfig withStepEvery(long v) {
        return new ScheduleConfig(decay, warmup, warmupSteps, warmupStartLr, stepFactor, v, minLr, polyPower);
    }

    public ScheduleConfig withMinLr(double v) {
        return new ScheduleConfig(decay, warmup, warmupSteps, warmupStartLr, stepFactor, stepEvery, v, polyPower);
    }

    public ScheduleConfig withPolyPower(double v) {
        return new ScheduleConfig(decay, warmup, warmupSteps, warmupStartLr, stepFactor, stepEvery, minLr, v);
    }

    /** Short human-readable form listing only the fields the chosen decay and warmup use. */
    public String describe() {
        String d = switch (decay) {
            case CONSTANT -> "constant";
            case STEP -> "step(factor=" + stepFactor + ", every=" + stepEvery + ")";
            case COSINE -> "cosine(minLr=" + minLr + ")";
            case POLY -> "poly(power=" + polyPower + ", minLr=" + minLr + ")";
        };
        if (warmup == Warmup.NONE) {
            return d;
        }
        return d + " warmup=" + warmup + "(" + warmupSteps + " steps from "
                + (warmupStartLr == null ? "reference lr" : "lr " + warmupStartLr) + ")";
    }

    private static <E extends Enum<E>> E parse(String name, E[] values, String what, String valid) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (E e : values) {
                if (e.toString().equals(n)) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + name + "' (valid values: " + valid + ")");
    }
}
