package io.lockstep.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.lockstep.adaptive.AdaptiveBatchConfig;
import io.lockstep.adaptive.AdaptiveBatchPlan;
import io.lockstep.data.BatchPlan;
import io.lockstep.data.BatchSizeSchedule;
import io.lockstep.data.DataPlacement;
import io.lockstep.data.StepBatches;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.optim.OptimizerType;
import io.lockstep.schedule.LrSchedule;
import io.lockstep.schedule.LrScaling;
import io.lockstep.schedule.ScheduleConfig;
import io.lockstep.schedule.Schedules;
import java.util.Objects;

/**
 * The resolved, validated configuration of a training run. Immutable; build it with
 * {@link #builder()} and vary it with {@link #toBuilder()} or the {@code withX} methods (sweeps).
 * Every validation error names the field and the value.
 *
 * <p>Where learning-rate scaling happens: {@link #lr()} is the reference rate, tuned at
 * {@link #referenceBatch()}; the peak rate of the run is {@code lrScaling.scale(lr, B, B_ref)}
 * ({@link #peakLr()}), and the schedule shapes it over the steps ({@link #schedule(long)}).
 *
 * <p>With {@link #batchGrowthFactor()} {@code F > 0} the global batch grows instead of the rate
 * decaying (Smith et al. 2017): it is {@link #globalBatch()} in the first epochs and multiplied by F
 * every {@link #batchGrowthEvery()} epochs ({@link #batchPlan(int)}); the rates are those of B.
 *
 * <p>With {@link #adaptiveBatch()} the global batch is chosen as the run trains (goodput, see
 * {@link AdaptiveBatchConfig}); {@link #globalBatch()} is then the first step's batch and the rate follows
 * AdaScale ({@link #stepBatches(int)}).
 *
 * <p>Ghost batches: every forward/backward pass covers one ghost batch of {@link #ghostBatch()} examples
 * (its batch-norm statistics and random stream); {@link #resolveGhostBatch} gives the value a step uses.
 * {@link #microBatch()} further cuts a ghost batch into passes of bounded memory (only for models whose
 * pass does not depend on its batch).
 */
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(builder = TrainConfig.Builder.class)
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
public final class TrainConfig {
    private final int globalBatch;
    private final int batchGrowthFactor;
    private final int batchGrowthEvery;
    private final AdaptiveBatchConfig adaptiveBatch;
    private final int workers;
    private final int microBatch;
    private final int ghostBatch;
    private final int epochs;
    private final long steps;
    private final double lr;
    private final LrScaling lrScaling;
    private final int referenceBatch;
    private final ScheduleConfig schedule;
    private final OptimizerConfig optimizer;
    private final double clipNorm;
    private final DivergenceConfig divergence;
    private final double noiseEmaDecay;
    private final int earlyStoppingPatience;
    private final long evalEvery;
    private final double targetAccuracy;
    private final long seed;

    private TrainConfig(Builder b) {
        globalBatch = b.globalBatch;
        batchGrowthFactor = b.batchGrowthFactor;
        batchGrowthEvery = b.batchGrowthEvery;
        adaptiveBatch = b.adaptiveBatch;
        workers = b.workers;
        microBatch = b.microBatch;
        ghostBatch = b.ghostBatch;
        epochs = b.epochs;
        steps = b.steps;
        lr = b.lr;
        lrScaling = Objects.requireNonNull(b.lrScaling, "lrScaling");
        referenceBatch = b.referenceBatch;
        schedule = Objects.requireNonNull(b.schedule, "schedule");
        optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
        clipNorm = b.clipNorm;
        divergence = Objects.requireNonNull(b.divergence, "divergence");
        noiseEmaDecay = b.noiseEmaDecay;
        earlyStoppingPatience = b.earlyStoppingPatience;
        evalEvery = b.evalEvery;
        targetAccuracy = b.targetAccuracy;
        seed = b.seed;
        validate();
    }

    private void validate() {
        require(globalBatch >= 1, "globalBatch", globalBatch, "must be at least 1");
        require(batchGrowthFactor == 0 || batchGrowthFactor >= 2, "batchGrowthFactor", batchGrowthFactor,
                "must be 0 (off) or at least 2");
        require(batchGrowthEvery >= 1, "batchGrowthEvery", batchGrowthEvery, "must be at least 1 (epochs)");
        require(workers >= 1, "workers", workers, "must be at least 1");
        if (globalBatch < workers) {
            throw new ConfigException("globalBatch (" + globalBatch + ") must be at least workers (" + workers
                    + "): each worker needs at least one example per step on average");
        }
        require(microBatch >= 0, "microBatch", microBatch, "must not be negative (0 = no accumulation)");
        require(ghostBatch >= 0, "ghostBatch", ghostBatch, "must not be negative (0 = automatic)");
        if (ghostBatch > globalBatch) {
            throw new ConfigException("ghostBatch (" + ghostBatch + ") must not exceed globalBatch (" + globalBatch
                    + "): a ghost batch is a part of one step's batch");
        }
        if (ghostBatch > 0 && microBatch > ghostBatch) {
            throw new ConfigException("microBatch (" + microBatch + ") must not exceed ghostBatch (" + ghostBatch
                    + "): a micro-batch is a part of one ghost batch");
        }
        require(epochs >= 0, "epochs", epochs, "must not be negative");
        require(steps >= 0, "steps", steps, "must not be negative");
        if ((epochs == 0) == (steps == 0)) {
            throw new ConfigException("exactly one of epochs and steps must be positive (got epochs=" + epochs
                    + ", steps=" + steps + ")");
        }
        require(lr > 0 && Double.isFinite(lr), "lr", lr, "must be a positive finite number");
        require(referenceBatch >= 0, "referenceBatch", referenceBatch, "must be positive (0 = the global batch)");
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "clipNorm", clipNorm, "must be ≥ 0 (0 = no clipping)");
        require(noiseEmaDecay >= 0 && noiseEmaDecay < 1, "noiseEmaDecay", noiseEmaDecay, "must be in [0, 1)");
        require(earlyStoppingPatience >= 0, "earlyStoppingPatience", earlyStoppingPatience,
                "must not be negative (0 = off)");
        require(evalEvery >= 0, "evalEvery", evalEvery, "must not be negative (0 = evaluate once per epoch only)");
        require(targetAccuracy == 0 || (targetAccuracy > 0 && targetAccuracy <= 1), "targetAccuracy", targetAccuracy,
                "must be in (0, 1] (0 = no target)");
        if (adaptiveBatch != null) {
            validateAdaptiveBatch(); // first: its messages name the options an adaptive run is given
        }
        if (adaScale()) {
            validateAdaScale();
        }
    }

    private void validateAdaptiveBatch() {
        if (!adaScale()) {
            throw new ConfigException("globalBatch adaptive needs lrScaling adascale (the learning rate follows AdaScale's"
                    + " gain as the batch changes), got lrScaling " + lrScaling.cliName());
        }
        AdaptiveBatchConfig a = adaptiveBatch;
        if (globalBatch < a.minBatch() || globalBatch > a.maxBatch()) {
            throw new ConfigException("globalBatch (" + globalBatch + ") must be in adaptiveBatch's range [" + a.minBatch()
                    + ", " + a.maxBatch() + "]: it is the first step's batch");
        }
        if (a.minBatch() < workers) {
            throw new ConfigException("adaptiveBatch.minBatch (" + a.minBatch() + ") must be at least workers (" + workers
                    + ")");
        }
        if (a.minBatch() < referenceBatch()) {
            throw new ConfigException("adaptiveBatch.minBatch (" + a.minBatch() + ") must be at least referenceBatch ("
                    + referenceBatch() + "): AdaScale scales the base batch up, never down");
        }
    }

    private void validateAdaScale() {
        if (referenceBatch() > globalBatch) {
            throw new ConfigException("lrScaling adascale needs referenceBatch (" + referenceBatch
                    + ") at most globalBatch (" + globalBatch + "): the gain scales the base batch up, never down");
        }
        if (batchGrowthFactor > 0) {
            throw new ConfigException("lrScaling adascale cannot be combined with batchGrowthFactor (" + batchGrowthFactor
                    + ") yet: AdaScale adapts the rate to one global batch");
        }
        OptimizerType type = optimizer.type();
        if (type != OptimizerType.SGD && type != OptimizerType.NESTEROV) {
            throw new ConfigException("lrScaling adascale is defined for SGD with or without momentum (sgd, nesterov), not "
                    + type.cliName() + "; for adaptive optimizers use lrScaling sqrt");
        }
    }

    /**
     * Refuses AdaScale when a step of the first (smallest) batch would have a single forward pass, from which
     * no gradient variance can be measured: the parts are the step's passes (ghost batches, cut into
     * micro-batches), or with sharded data on two or more workers at least the workers' shares.
     *
     * @throws ConfigException naming ghostBatch and microBatch
     */
    public void checkAdaScaleParts(boolean batchDependent, DataPlacement placement) {
        if (!adaScale() || (placement == DataPlacement.SHARDED && workers >= 2)) {
            return;
        }
        int g = resolveGhostBatch(globalBatch, batchDependent, placement);
        int pass = microBatch > 0 ? Math.min(microBatch, g) : g;
        if ((globalBatch + pass - 1) / pass < 2) {
            throw new ConfigException("lrScaling adascale needs at least two parts per step to measure the gradient"
                    + " variance, but a step of globalBatch " + globalBatch + " is one forward pass (ghostBatch " + g
                    + "): set a ghostBatch or microBatch below " + globalBatch
                    + (placement == DataPlacement.REPLICATED ? "" : ", or workers >= 2"));
        }
    }

    /** Whether the learning rate follows AdaScale's gain (see {@link io.lockstep.adaptive.AdaScale}). */
    public boolean adaScale() {
        return lrScaling == LrScaling.ADASCALE;
    }

    /**
     * AdaScale's run length in base iterations (τ units, batches of {@link #referenceBatch()}): the given
     * steps, or the epochs at the reference batch, {@code epochs × ⌊N / B_ref⌋}. The run stops when τ reaches
     * it; the schedule (warmup, decay) is the base schedule over it.
     */
    public long adaScaleLength(int trainSize) {
        return steps > 0 ? steps : (long) epochs * Math.max(1, trainSize / referenceBatch());
    }

    /** The goodput-driven batch range, or null when the batch is fixed or grows by epoch. */
    public AdaptiveBatchConfig adaptiveBatch() { return adaptiveBatch; }
    /** The global batch B of the first epoch (of every epoch without batch growth; the first step's if adaptive). */
    public int globalBatch() { return globalBatch; }
    /** F: the global batch is multiplied by F every {@link #batchGrowthEvery()} epochs; 0 = no growth. */
    public int batchGrowthFactor() { return batchGrowthFactor; }
    /** E: epochs between batch growths. */
    public int batchGrowthEvery() { return batchGrowthEvery; }
    /** Workers P = data partitions = gradient tasks per step. */
    public int workers() { return workers; }
    /** Micro-batch size for gradient accumulation inside each worker; 0 = none. */
    public int microBatch() { return microBatch; }
    /** Examples per forward pass (batch-norm statistics, dropout stream); 0 = automatic ({@link #resolveGhostBatch}). */
    public int ghostBatch() { return ghostBatch; }

    /** Ghost batch of batch-norm and dropout models when none is given (Goyal et al. normalize over 32 per worker). */
    public static final int DEFAULT_GHOST_BATCH = 32;

    /**
     * The ghost batch of a step of {@code batchSize} examples: {@link #ghostBatch()} if set; otherwise, for
     * a model whose pass depends on its batch ({@code batchDependent}: batch norm, dropout), a fixed
     * {@value #DEFAULT_GHOST_BATCH} (at most B) so that runs with different P stay comparable; for any other
     * model one pass per worker (⌈B/P⌉ with replicated data, the whole share with sharded data), which
     * changes nothing but float rounding.
     *
     * @param placement where the training data lives (it decides how ghost batches can be formed)
     */
    public int resolveGhostBatch(int batchSize, boolean batchDependent, DataPlacement placement) {
        if (ghostBatch > 0) {
            return Math.min(ghostBatch, batchSize);
        }
        if (batchDependent) {
            return Math.min(DEFAULT_GHOST_BATCH, batchSize);
        }
        return placement == DataPlacement.REPLICATED ? (batchSize + workers - 1) / workers : batchSize;
    }
    public int epochs() { return epochs; }
    public long steps() { return steps; }
    /** The reference learning rate, tuned at {@link #referenceBatch()}. */
    public double lr() { return lr; }
    public LrScaling lrScaling() { return lrScaling; }
    /** B_ref: the batch at which {@link #lr()} was tuned (defaults to the global batch). */
    public int referenceBatch() { return referenceBatch == 0 ? globalBatch : referenceBatch; }
    public ScheduleConfig scheduleConfig() { return schedule; }
    public OptimizerConfig optimizer() { return optimizer; }
    /** Global-norm clipping threshold for the averaged gradient; 0 = off. */
    public double clipNorm() { return clipNorm; }
    public DivergenceConfig divergence() { return divergence; }
    /** Decay of the exponential moving averages in the gradient-noise-scale estimator. */
    public double noiseEmaDecay() { return noiseEmaDecay; }
    /** Epochs without validation-loss improvement before stopping; 0 = off. */
    public int earlyStoppingPatience() { return earlyStoppingPatience; }
    /** Evaluate every eval set every this many steps, in addition to every epoch end; 0 = per epoch only. */
    public long evalEvery() { return evalEvery; }
    /** Stop after the first validation evaluation with at least this accuracy; 0 = no target. */
    public double targetAccuracy() { return targetAccuracy; }
    public long seed() { return seed; }

    /** Total steps given the steps per epoch of the training set. */
    public long totalSteps(int stepsPerEpoch) {
        return steps > 0 ? steps : (long) epochs * stepsPerEpoch;
    }

    /**
     * The length the learning-rate schedule spans: the run's total steps, or with AdaScale its length in
     * base iterations ({@link #adaScaleLength}).
     */
    public long scheduleLength(BatchPlan plan, int trainSize) {
        return adaScale() ? adaScaleLength(trainSize) : totalSteps(plan);
    }

    /** Schedule steps per epoch (to convert warmup epochs): at the global batch, or at B_ref with AdaScale. */
    public int scheduleStepsPerEpoch(int trainSize) {
        return Math.max(1, trainSize / Math.max(1, adaScale() ? referenceBatch() : globalBatch));
    }

    /** Total steps of the run on {@code plan}: the given steps, or the sum of the epochs' steps. */
    public long totalSteps(BatchPlan plan) {
        return steps > 0 ? steps : plan.firstStepOf(epochs);
    }

    /** The global batch of every epoch on a training set of {@code trainSize} examples. */
    public BatchSizeSchedule batchSchedule(int trainSize) {
        return new BatchSizeSchedule(globalBatch, batchGrowthFactor, batchGrowthEvery, trainSize);
    }

    /** The batches of a run on a training set of {@code trainSize} examples (the first batch if adaptive). */
    public BatchPlan batchPlan(int trainSize) {
        return new BatchPlan(batchSchedule(trainSize), seed);
    }

    /**
     * The batches the trainer reads: {@link #batchPlan(int)}, or with {@link #adaptiveBatch()} a plan whose
     * sizes are chosen as the run goes ({@link AdaptiveBatchPlan}, first step {@link #globalBatch()}).
     */
    public StepBatches stepBatches(int trainSize) {
        if (adaptiveBatch == null) {
            return batchPlan(trainSize);
        }
        checkAdaptiveRange(trainSize);
        return new AdaptiveBatchPlan(trainSize, seed, globalBatch);
    }

    /**
     * Refuses an adaptive range whose largest batch exceeds the training set (nothing to check for a fixed or
     * growing batch, whose sizes {@link BatchSizeSchedule} caps).
     *
     * @throws ConfigException naming adaptiveBatch.maxBatch
     */
    public void checkAdaptiveRange(int trainSize) {
        if (adaptiveBatch != null && adaptiveBatch.maxBatch() > trainSize) {
            throw new ConfigException("adaptiveBatch.maxBatch (" + adaptiveBatch.maxBatch()
                    + ") is larger than the training set (" + trainSize + " examples)");
        }
    }

    /** The peak learning rate after batch-size scaling: {@code lrScaling.scale(lr, B, B_ref)}. */
    public double peakLr() {
        return lrScaling.scale(lr, globalBatch, referenceBatch());
    }

    /** The learning-rate schedule of a run of {@code totalSteps} steps. */
    public LrSchedule schedule(long totalSteps) {
        return Schedules.create(schedule, peakLr(), lr, totalSteps);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder().globalBatch(globalBatch).adaptiveBatch(adaptiveBatch).batchGrowthFactor(batchGrowthFactor)
                .batchGrowthEvery(batchGrowthEvery).workers(workers).microBatch(microBatch).ghostBatch(ghostBatch).epochs(epochs)
                .steps(steps).lr(lr).lrScaling(lrScaling).referenceBatch(referenceBatch).schedule(schedule)
                .optimizer(optimizer).clipNorm(clipNorm).divergence(divergence).noiseEmaDecay(noiseEmaDecay)
                .earlyStoppingPatience(earlyStoppingPatience).evalEvery(evalEvery).targetAccuracy(targetAccuracy).seed(seed);
    }

    public TrainConfig withGlobalBatch(int v) { return toBuilder().globalBatch(v).build(); }
    public TrainConfig withWorkers(int v) { return toBuilder().workers(v).build(); }
    public TrainConfig withEpochs(int v) { return toBuilder().epochs(v).steps(0).build(); }
    public TrainConfig withSteps(long v) { return toBuilder().steps(v).epochs(0).build(); }
    public TrainConfig withLr(double v) { return toBuilder().lr(v).build(); }
    public TrainConfig withOptimizer(OptimizerConfig v) { return toBuilder().optimizer(v).build(); }
    public TrainConfig withSeed(long v) { return toBuilder().seed(v).build(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig t && toString().equals(t.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "TrainConfig[globalBatch=" + globalBatch + growthString() + adaptiveString() + ", workers=" + workers + ", microBatch=" + microBatch
                + ghostString() + ", epochs=" + epochs + ", steps=" + steps + ", lr=" + lr + ", lrScaling=" + lrScaling
                + ", referenceBatch=" + referenceBatch + ", schedule=" + schedule + ", optimizer=" + optimizer
                + ", clipNorm=" + clipNorm + ", divergence=" + divergence + ", noiseEmaDecay=" + noiseEmaDecay
                + ", earlyStoppingPatience=" + earlyStoppingPatience + ", evalEvery=" + evalEvery
                + ", targetAccuracy=" + targetAccuracy + ", seed=" + seed + "]";
    }

    /** Empty without a ghost batch, so that the string (and equality) of configs from before ghost batches is unchanged. */
    private String ghostString() {
        return ghostBatch == 0 ? "" : ", ghostBatch=" + ghostBatch;
    }

    /** Empty without an adaptive batch, so that the string (and equality) of other configs is unchanged. */
    private String adaptiveString() {
        return adaptiveBatch == null ? "" : ", adaptiveBatch=" + adaptiveBatch;
    }

    /** Empty without growth, so that the string (and equality) of configs without growth is unchanged. */
    private String growthString() {
        return batchGrowthFactor == 0 ? "" : ", batchGrowthFactor=" + batchGrowthFactor + ", batchGrowthEvery="
                + batchGrowthEvery;
    }

    private static void require(boolean ok, String field, Object value, String what) {
        if (!ok) {
            throw new ConfigException(field + " " + what + " (got " + value + ")");
        }
    }

    /** Fluent builder with the CLI's defaults (also how {@code io.lockstep.run.SpecJson} reads a config). */
    @com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private int globalBatch = 128;
        private int batchGrowthFactor = 0;
        private int batchGrowthEvery = 1;
        private AdaptiveBatchConfig adaptiveBatch;
        private int workers = 1;
        private int microBatch = 0;
        private int ghostBatch = 0;
        private int epochs = 0;
        private long steps = 0;
        private double lr = 1e-3;
        private LrScaling lrScaling = LrScaling.NONE;
        private int referenceBatch = 0;
        private ScheduleConfig schedule = ScheduleConfig.constant();
        private OptimizerConfig optimizer = OptimizerConfig.adam();
        private double clipNorm = 0;
        private DivergenceConfig divergence = DivergenceConfig.halt();
        private double noiseEmaDecay = 0.95;
        private int earlyStoppingPatience = 0;
        private long evalEvery = 0;
        private double targetAccuracy = 0;
        private long seed = 42;

        public Builder globalBatch(int v) { globalBatch = v; return this; }
        /** A goodput-driven batch in this range (null = off); the global batch is then the first step's. */
        public Builder adaptiveBatch(AdaptiveBatchConfig v) { adaptiveBatch = v; return this; }
        /** F ≥ 2 multiplies the global batch every {@link #batchGrowthEvery} epochs; 0 = off. */
        public Builder batchGrowthFactor(int v) { batchGrowthFactor = v; return this; }
        /** Epochs between batch growths (≥ 1). */
        public Builder batchGrowthEvery(int v) { batchGrowthEvery = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder microBatch(int v) { microBatch = v; return this; }
        /** Examples per forward pass; 0 = automatic. */
        public Builder ghostBatch(int v) { ghostBatch = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder steps(long v) { steps = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder lrScaling(LrScaling v) { lrScaling = v; return this; }
        /** B_ref; 0 means "the global batch" (no scaling effect). */
        public Builder referenceBatch(int v) { referenceBatch = v; return this; }
        public Builder schedule(ScheduleConfig v) { schedule = v; return this; }
        public Builder optimizer(OptimizerConfig v) { optimizer = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder divergence(DivergenceConfig v) { divergence = v; return this; }
        public Builder noiseEmaDecay(double v) { noiseEmaDecay = v; return this; }
        public Builder earlyStoppingPatience(int v) { earlyStoppingPatience = v; return this; }
        /** Steps between periodic evaluations; 0 = evaluate at epoch ends only. */
        public Builder evalEvery(long v) { evalEvery = v; return this; }
        /** Validation accuracy at which training stops; 0 = none. */
        public Builder targetAccuracy(double v) { targetAccuracy = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(this);
        }
    }
}
