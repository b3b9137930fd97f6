package io.lockstep.spark.ml;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.optim.OptimizerType;
import io.lockstep.schedule.LrScaling;
import io.lockstep.schedule.ScheduleConfig;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The classifier's Params resolved into Lockstep's validated configuration, exactly as {@code lockstep
 * train} resolves its options (same defaults, same {@link TrainConfig} validation and messages). Every
 * failure becomes one {@link IllegalArgumentException} "LockstepClassifier param NAME: problem".
 */
final class TrainSettings {
    static final String STAGE = "LockstepClassifier";
    private static final Set<String> CONFIG_FIELDS = Set.of("globalBatch", "workers", "microBatch", "ghostBatch",
            "epochs", "steps", "lr", "referenceBatch", "warmupSteps", "momentum", "l2", "weightDecay");

    /** DivergenceConfig's messages start with the name of the Param they are about. */
    private static final Set<String> DIVERGENCE_FIELDS = Set.of("divergenceFactor", "maxRollbacks", "rollbackLrFactor");

    private final LockstepClassifierParams p;

    TrainSettings(LockstepClassifierParams p) {
        this.p = p;
    }

    /** Fails naming {@code param} when {@code body} throws an IllegalArgumentException. */
    static <T> T param(String param, Supplier<T> body) {
        try {
            return body.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(STAGE + " param " + param + ": " + e.getMessage(), e);
        }
    }

    DataPlacement placement() {
        String v = p.getDataPlacement();
        return param("dataPlacement", () -> {
            try {
                return DataPlacement.parse(v.trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected replicated or sharded (got '" + v + "')", e);
            }
        });
    }

    /** Checks the Params that need no data (run before reading anything). */
    void checkWithoutData(int workers) {
        placement();
        double f = p.getValidationFraction();
        if (!(f >= 0 && f < 1)) {
            throw new IllegalArgumentException(STAGE + " param validationFraction: must be in [0, 1) (0 = no validation"
                    + " set) (got " + f + ")");
        }
        if (p.isSet(p.epochs()) && p.getSteps() > 0) {
            throw new IllegalArgumentException(STAGE + " param steps: set either epochs or steps, not both");
        }
        if (p.getCheckpointEvery() < 0) {
            throw new IllegalArgumentException(STAGE + " param checkpointEvery: must not be negative (got "
                    + p.getCheckpointEvery() + ")");
        }
        if (p.getKeepCheckpoints() < 1) {
            throw new IllegalArgumentException(STAGE + " param keepCheckpoints: must be at least 1 (got "
                    + p.getKeepCheckpoints() + ")");
        }
        if ((p.getResume() || p.getCheckpointEvery() > 0) && p.getCheckpointDir().isBlank()) {
            throw new IllegalArgumentException(STAGE + " param checkpointDir: needed by "
                    + (p.getResume() ? "resume" : "checkpointEvery"));
        }
        transport();
        config(workers, Integer.MAX_VALUE);
    }

    /** stepTransport and stepTimeout as {@code lockstep train --step-transport/--step-timeout} map them. */
    StepTransportConfig transport() {
        StepTransportConfig.Kind kind = param("stepTransport", () -> StepTransportConfig.Kind.of(p.getStepTransport()
                .trim()));
        long timeout = p.getStepTimeout();
        if (timeout < 0 || (timeout > 0 && kind == StepTransportConfig.Kind.JOB)) {
            throw new IllegalArgumentException(STAGE + " param stepTimeout: " + (timeout < 0 ? "must be a positive"
                    + " number of seconds, or 0 = the default (got " + timeout + ")" : "applies to stepTransport"
                    + " channel or auto only (got " + timeout + " with stepTransport " + kind.label() + ")"));
        }
        return StepTransportConfig.of(kind, timeout == 0 ? null : java.time.Duration.ofSeconds(timeout));
    }

    /**
     * The validated configuration for P = {@code workers} on a training set of {@code trainSize} examples
     * ({@code Integer.MAX_VALUE} when not yet known).
     */
    TrainConfig config(int workers, int trainSize) {
        OptimizerType type = param("optimizer", () -> OptimizerType.parse(p.getOptimizer()));
        LrScaling scaling = param("lrScaling", () -> LrScaling.parse(p.getLrScaling()));
        OptimizerConfig optimizer = param("optimizer", () -> OptimizerConfig.of(type).withMomentum(p.getMomentum())
                .withL2(p.getL2()).withWeightDecay(p.getWeightDecay()));
        ScheduleConfig schedule = schedule();
        DivergenceConfig divergence = divergence();
        TrainConfig.Builder b = TrainConfig.builder().globalBatch(p.getGlobalBatch()).workers(workers)
                .microBatch(p.getMicroBatch()).ghostBatch(p.getGhostBatch()).lr(p.getLr()).lrScaling(scaling)
                .referenceBatch(p.getReferenceBatch()).optimizer(optimizer).schedule(schedule).divergence(divergence)
                .seed(p.getSeed());
        if (p.getMaxBatch() > 0) {
            try {
                b.adaptiveBatch(new io.lockstep.adaptive.AdaptiveBatchConfig(p.getGlobalBatch(), p.getMaxBatch(),
                        p.getAdaptEvery()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(STAGE + " " + fieldOf(e.getMessage()) + ": " + e.getMessage(), e);
            }
        }
        if (p.getSteps() > 0) {
            b.steps(p.getSteps());
        } else {
            b.epochs(p.getEpochs());
        }
        TrainConfig c;
        try {
            c = b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(STAGE + " " + fieldOf(e.getMessage()) + ": " + e.getMessage(), e);
        }
        if (trainSize != Integer.MAX_VALUE) {
            if (p.getGlobalBatch() > trainSize) {
                throw new IllegalArgumentException(STAGE + " param globalBatch: " + p.getGlobalBatch()
                        + " is larger than the training set (" + trainSize + " examples)");
            }
            param("maxBatch", () -> {
                c.checkAdaptiveRange(trainSize);
                return null;
            });
            param("schedule", () -> c.schedule(c.scheduleLength(c.batchPlan(trainSize), trainSize)));
        }
        return c;
    }

    /** onDivergence and its companions as the CLI's guard options map them (same defaults). */
    private DivergenceConfig divergence() {
        DivergenceConfig.Policy policy = param("onDivergence", () -> DivergenceConfig.Policy.parse(p.getOnDivergence().trim()));
        try {
            return new DivergenceConfig(policy, p.getDivergenceFactor(), p.getMaxRollbacks(), p.getRollbackLrFactor());
        } catch (IllegalArgumentException e) {
            String first = e.getMessage() == null ? "" : e.getMessage().split(" ", 2)[0];
            String name = DIVERGENCE_FIELDS.contains(first) ? first : "onDivergence";
            throw new IllegalArgumentException(STAGE + " param " + name + ": " + e.getMessage(), e);
        }
    }

    private ScheduleConfig schedule() {
        long steps = p.getWarmupSteps();
        String w = p.getWarmup().trim();
        ScheduleConfig.Warmup kind = !w.isEmpty() ? param("warmup", () -> ScheduleConfig.Warmup.parse(w))
                : steps > 0 ? ScheduleConfig.Warmup.GRADUAL : ScheduleConfig.Warmup.NONE;
        ScheduleConfig.Decay decay = param("schedule", () -> ScheduleConfig.Decay.parse(p.getSchedule()));
        return param("warmupSteps", () -> ScheduleConfig.constant().withDecay(decay)
                .withWarmup(kind, steps));
    }

    /** "param NAME" for the Param a {@link TrainConfig} message is about (its first word), else "params". */
    private static String fieldOf(String message) {
        String first = message == null ? "" : message.split("[ (:]", 2)[0];
        if (first.equals("adaptiveBatch.every")) {
            return "param adaptEvery";
        }
        if (first.startsWith("adaptiveBatch") || message.startsWith("globalBatch adaptive")) {
            return "param maxBatch";
        }
        if (CONFIG_FIELDS.contains(first)) {
            return "param " + first;
        }
        return message != null && message.startsWith("exactly one of epochs and steps") ? "param epochs" : "params";
    }
}
