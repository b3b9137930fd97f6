package io.lockstep.config;

import io.lockstep.optim.OptimizerConfig;
import java.util.Objects;

/**
 * The resolved, validated training configuration. Immutable; use {@link #builder()} or the
 * {@code withX} methods (for sweeps). Every validation error names the field and the value.
 *
 * @param globalBatch examples per synchronized step, B (summed over all workers)
 * @param workers     data partitions / parallel tasks per step, P (B ≥ P)
 * @param epochs      number of epochs to train (0 when {@code steps} is given)
 * @param steps       number of steps to train (0 when {@code epochs} is given)
 * @param lr          learning rate applied by the driver's optimizer
 * @param optimizer   optimizer and regularization settings
 * @param seed        seed for model initialization and data order
 */
public record TrainConfig(int globalBatch, int workers, int epochs, long steps, double lr,
                          OptimizerConfig optimizer, long seed) {

    public TrainConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        require(globalBatch >= 1, "globalBatch", globalBatch, "must be at least 1");
        require(workers >= 1, "workers", workers, "must be at least 1");
        if (globalBatch < workers) {
            throw new ConfigException("globalBatch (" + globalBatch + ") must be at least workers (" + workers
                    + "): each worker needs at least one example per step on average");
        }
        require(epochs >= 0, "epochs", epochs, "must not be negative");
        require(steps >= 0, "steps", steps, "must not be negative");
        if ((epochs == 0) == (steps == 0)) {
            throw new ConfigException("exactly one of epochs and steps must be positive (got epochs=" + epochs
                    + ", steps=" + steps + ")");
        }
        require(lr > 0 && Double.isFinite(lr), "lr", lr, "must be a positive finite number");
    }

    /** Total steps for a training set of {@code trainSize} examples. */
    public long totalSteps(int stepsPerEpoch) {
        return steps > 0 ? steps : (long) epochs * stepsPerEpoch;
    }

    public static Builder builder() {
        return new Builder();
    }

    public TrainConfig withGlobalBatch(int v) { return new TrainConfig(v, workers, epochs, steps, lr, optimizer, seed); }
    public TrainConfig withWorkers(int v) { return new TrainConfig(globalBatch, v, epochs, steps, lr, optimizer, seed); }
    public TrainConfig withEpochs(int v) { return new TrainConfig(globalBatch, workers, v, 0, lr, optimizer, seed); }
    public TrainConfig withSteps(long v) { return new TrainConfig(globalBatch, workers, 0, v, lr, optimizer, seed); }
    public TrainConfig withLr(double v) { return new TrainConfig(globalBatch, workers, epochs, steps, v, optimizer, seed); }
    public TrainConfig withOptimizer(OptimizerConfig v) { return new TrainConfig(globalBatch, workers, epochs, steps, lr, v, seed); }
    public TrainConfig withSeed(long v) { return new TrainConfig(globalBatch, workers, epochs, steps, lr, optimizer, v); }

    private static void require(boolean ok, String field, Object value, String what) {
        if (!ok) {
            throw new ConfigException(field + " " + what + " (got " + value + ")");
        }
    }

    /** Fluent builder with the CLI's defaults. */
    public static final class Builder {
        private int globalBatch = 128;
        private int workers = 1;
        private int epochs = 0;
        private long steps = 0;
        private double lr = 1e-3;
        private OptimizerConfig optimizer = OptimizerConfig.adam();
        private long seed = 42;

        public Builder globalBatch(int v) { globalBatch = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder steps(long v) { steps = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder optimizer(OptimizerConfig v) { optimizer = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(globalBatch, workers, epochs, steps, lr, optimizer, seed);
        }
    }
}
