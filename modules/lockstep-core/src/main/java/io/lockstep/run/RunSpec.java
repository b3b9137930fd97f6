package io.lockstep.run;

import io.lockstep.config.ConfigException;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;

/**
 * One training run, complete: the training math ({@link TrainConfig}, plus a warmup given in epochs),
 * the data, the model, the output, the Spark master and the step transport. Immutable and validated once, in the
 * constructor (errors name the field and the value); {@link SpecJson} writes and reads it and
 * {@link SpecDiff} compares two. Build one with {@link #builder()}.
 *
 * @param train        training settings; {@code train.workers()} is P when {@code workers > 0}
 * @param warmupEpochs a warmup given in epochs, converted to steps against the data; null: the warmup (if any)
 *                     is the one in {@code train.scheduleConfig()}
 * @param workers      P, the gradient tasks per step; 0 = Spark's default parallelism (resolved by the runner)
 * @param master       Spark master URL; null: the one spark-submit set, else {@code local[*]}
 * @param transport    how each step reaches the workers (one Spark job per step, or the step channel); it does not
 *                     change the trained parameters
 */
public record RunSpec(TrainConfig train, EpochWarmup warmupEpochs, DataSpec data, ModelSpec model, OutputSpec output,
                      String master, int workers, StepTransportConfig transport) {
    public RunSpec {
        Specs.notNull("train", train);
        Specs.notNull("transport", transport);
        Specs.notNull("data", data);
        Specs.notNull("model", model);
        Specs.notNull("output", output);
        Specs.require(workers >= 0, "workers", workers, "must not be negative (0 = Spark's default parallelism)");
        if (workers > 0 && train.workers() != workers) {
            throw new ConfigException("workers (" + workers + ") differs from train.workers (" + train.workers() + ")");
        }
        if (warmupEpochs != null && train.scheduleConfig().warmupSteps() > 0) {
            throw new ConfigException("warmupEpochs (" + warmupEpochs.epochs() + ") cannot be combined with warmupSteps ("
                    + train.scheduleConfig().warmupSteps() + ")");
        }
        if (train.earlyStoppingPatience() > 0 && data.validationFraction() <= 0) {
            throw new ConfigException("earlyStoppingPatience needs validationFraction");
        }
        if (train.targetAccuracy() > 0 && data.validationFraction() <= 0) {
            throw new ConfigException("targetAccuracy needs validationFraction (the target is checked on the validation set)");
        }
    }

    /** A spec with the {@linkplain StepTransportConfig#auto() default step transport}. */
    public RunSpec(TrainConfig train, EpochWarmup warmupEpochs, DataSpec data, ModelSpec model, OutputSpec output,
                   String master, int workers) {
        this(train, warmupEpochs, data, model, output, master, workers, StepTransportConfig.auto());
    }

    /** This spec for {@code p} workers (P resolved). */
    public RunSpec withWorkers(int p) {
        return new RunSpec(train.withWorkers(p), warmupEpochs, data, model, output, master, p, transport);
    }

    public RunSpec withOutput(OutputSpec v) {
        return new RunSpec(train, warmupEpochs, data, model, v, master, workers, transport);
    }

    public RunSpec withTrain(TrainConfig v) {
        return new RunSpec(v, warmupEpochs, data, model, output, master, workers, transport);
    }

    public RunSpec withTransport(StepTransportConfig v) {
        return new RunSpec(train, warmupEpochs, data, model, output, master, workers, v);
    }

    /**
     * The configuration the trainer runs: {@link #train()} with the epoch warmup converted over
     * {@code firstEpochSteps} steps.
     */
    public TrainConfig trainConfig(int firstEpochSteps) {
        return warmupEpochs == null ? train
                : train.toBuilder().schedule(warmupEpochs.applyTo(train.scheduleConfig(), firstEpochSteps)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent builder for library users: MNIST, the {@code mlp} model, no output, Spark's default workers. */
    public static final class Builder {
        private TrainConfig train = TrainConfig.builder().epochs(1).build();
        private EpochWarmup warmupEpochs;
        private DataSpec data = DataSpec.mnist();
        private ModelSpec model = ModelSpec.of("mlp");
        private OutputSpec output = OutputSpec.none();
        private String master;
        private int workers;
        private StepTransportConfig transport = StepTransportConfig.auto();

        /** The training settings; their {@code workers} is used only when {@link #workers(int)} is given. */
        public Builder train(TrainConfig v) { train = v; return this; }
        public Builder warmupEpochs(EpochWarmup v) { warmupEpochs = v; return this; }
        public Builder data(DataSpec v) { data = v; return this; }
        public Builder model(String ref) { model = ModelSpec.of(ref); return this; }
        public Builder output(OutputSpec v) { output = v; return this; }
        public Builder master(String v) { master = v; return this; }
        /** P; 0 = Spark's default parallelism. */
        public Builder workers(int v) { workers = v; return this; }
        /** The step transport; default {@link StepTransportConfig#auto()}. */
        public Builder transport(StepTransportConfig v) { transport = v; return this; }

        public RunSpec build() {
            TrainConfig t = workers > 0 ? train.toBuilder().workers(workers).build() : train;
            return new RunSpec(t, warmupEpochs, data, model, output, master, workers, transport);
        }
    }
}
