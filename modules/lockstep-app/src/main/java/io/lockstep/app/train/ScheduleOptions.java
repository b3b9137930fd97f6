package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.run.EpochWarmup;
import io.lockstep.schedule.LrScaling;
import io.lockstep.schedule.ScheduleConfig;
import picocli.CommandLine.Option;

/** Learning-rate scaling and schedule options of {@code lockstep train}. */
final class ScheduleOptions {
    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001",
            description = "Learning rate, tuned at --reference-batch. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--lr-scaling", paramLabel = "RULE",
            description = "Scale --lr for the global batch: none, linear (lr*B/B_ref, Goyal 2017), sqrt "
                    + "(lr*sqrt(B/B_ref), Hoffer 2017) or adascale (each step lr times the measured gain ratio "
                    + "r in [1, B/B_ref], the schedule, warmup and --steps/--epochs counted in base iterations of "
                    + "B_ref; Johnson 2020; SGD/Nesterov, needs 2+ parts per step). Default: none; adascale with "
                    + "--global-batch adaptive.")
    String lrScaling;

    @Option(names = "--reference-batch", paramLabel = "B_REF",
            description = "The batch at which --lr was tuned. Default: the global batch (no scaling).")
    Integer referenceBatch;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "constant",
            description = "After warmup: constant, step, cosine or poly. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--warmup", paramLabel = "KIND",
            description = "none, gradual (linear ramp from the start LR to the scaled LR, Goyal 2017) or constant "
                    + "(start LR, then a jump). Default: gradual when a warmup length is given, else none.")
    String warmup;

    @Option(names = "--warmup-steps", paramLabel = "N", description = "Warmup length in steps. Default: 0 (no warmup).")
    Long warmupSteps;

    @Option(names = "--warmup-epochs", paramLabel = "E", description = "Warmup length in epochs (may be fractional), instead of --warmup-steps. Default: 0 (no warmup).")
    Double warmupEpochs;

    @Option(names = "--warmup-start-lr", paramLabel = "RATE", description = "LR at the start of warmup. Default: --lr (unscaled).")
    Double warmupStartLr;

    @Option(names = "--step-every", paramLabel = "N", description = "For --schedule step: decay every N steps.")
    Long stepEvery;

    @Option(names = "--step-factor", paramLabel = "G", defaultValue = "0.1",
            description = "For --schedule step: multiply the LR by G at each decay. Default: ${DEFAULT-VALUE}.")
    double stepFactor;

    @Option(names = "--min-lr", paramLabel = "RATE", defaultValue = "0",
            description = "Final LR of cosine/poly. Default: ${DEFAULT-VALUE}.")
    double minLr;

    @Option(names = "--poly-power", paramLabel = "P", defaultValue = "1",
            description = "Exponent of the poly schedule. Default: ${DEFAULT-VALUE}.")
    double polyPower;

    /** The rule given, else none — or adascale for an adaptive global batch. */
    LrScaling scaling(boolean adaptiveBatch) {
        if (lrScaling == null) {
            return adaptiveBatch ? LrScaling.ADASCALE : LrScaling.NONE;
        }
        try {
            return LrScaling.parse(lrScaling);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--lr-scaling: " + e.getMessage());
        }
    }

    int referenceBatch() {
        return referenceBatch == null ? 0 : referenceBatch;
    }

    /** The schedule with a warmup given in steps ({@link #epochWarmup()} carries one given in epochs). */
    ScheduleConfig toConfig() {
        if (warmupSteps != null && warmupEpochs != null) {
            throw new UsageException("give either --warmup-steps or --warmup-epochs, not both");
        }
        long steps = warmupSteps != null ? warmupSteps : 0;
        ScheduleConfig.Warmup kind = warmupEpochs != null ? ScheduleConfig.Warmup.NONE : warmup != null
                ? ScheduleConfig.Warmup.parse(warmup) : steps > 0 ? ScheduleConfig.Warmup.GRADUAL : ScheduleConfig.Warmup.NONE;
        ScheduleConfig c = ScheduleConfig.constant().withStepFactor(stepFactor).withMinLr(minLr).withPolyPower(polyPower)
                .withWarmupStartLr(warmupStartLr);
        if (stepEvery != null) {
            c = c.withStepEvery(stepEvery);
        }
        return c.withDecay(ScheduleConfig.Decay.parse(schedule)).withWarmup(kind, kind == ScheduleConfig.Warmup.NONE ? 0 : steps);
    }

    /** {@code --warmup-epochs} (gradual unless {@code --warmup} says otherwise), or null. */
    EpochWarmup epochWarmup() {
        ScheduleConfig.Warmup kind = warmup != null ? ScheduleConfig.Warmup.parse(warmup) : ScheduleConfig.Warmup.GRADUAL;
        return warmupEpochs == null || warmupEpochs == 0 || kind == ScheduleConfig.Warmup.NONE ? null
                : new EpochWarmup(kind, warmupEpochs);
    }
}
