package io.lockstep.run;

import io.lockstep.schedule.ScheduleConfig;

/**
 * A warmup given in epochs (may be fractional), converted to steps once the data is known.
 *
 * @param kind gradual or constant
 */
public record EpochWarmup(ScheduleConfig.Warmup kind, double epochs) {
    public EpochWarmup {
        Specs.require(kind != null && kind != ScheduleConfig.Warmup.NONE, "warmup", kind, "must be gradual or constant");
        Specs.require(epochs > 0 && Double.isFinite(epochs), "warmupEpochs", epochs, "must be a positive number");
    }

    /** {@code schedule} with this warmup over {@code stepsPerEpoch}-step epochs (no warmup if it rounds to 0 steps). */
    public ScheduleConfig applyTo(ScheduleConfig schedule, int stepsPerEpoch) {
        long steps = Math.round(epochs * stepsPerEpoch);
        return steps == 0 ? schedule.withWarmup(ScheduleConfig.Warmup.NONE, 0) : schedule.withWarmup(kind, steps);
    }
}
