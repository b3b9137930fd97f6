package io.lockstep.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the peak learning rate grows with the global batch B relative to a reference batch B_ref
 * tuned at rate η_ref. Applied once by the trainer; the {@link LrSchedule} then shapes the result
 * over the steps.
 */
public enum LrScaling {
    /** η = η_ref, whatever the batch. */
    NONE("none"),
    /**
     * η = η_ref·B/B_ref: the linear scaling rule of Goyal et al. 2017, "Accurate, Large Minibatch
     * SGD: Training ImageNet in 1 Hour", arXiv:1706.02677.
     */
    LINEAR("linear"),
    /**
     * η = η_ref·sqrt(B/B_ref), keeping the gradient-noise variance per step constant: Krizhevsky
     * 2014, "One weird trick for parallelizing convolutional neural networks", arXiv:1404.5997;
     * Hoffer et al. 2017, "Train longer, generalize better", arXiv:1705.08741.
     */
    SQRT("sqrt"),
    /**
     * AdaScale SGD (Johnson et al., ICML 2020, arXiv:2007.05105): the peak rate stays η_ref and every step
     * multiplies the base schedule, read at the scale-invariant iteration τ, by the measured gain ratio
     * r_t ∈ [1, B/B_ref] ({@link io.lockstep.adaptive.AdaScale}); {@link #scale} therefore returns η_ref.
     */
    ADASCALE("adascale");

    private final String cliName;

    LrScaling(String cliName) {
        this.cliName = cliName;
    }

    /** The lower-case name used on the command line and in specs. */
    public String cliName() {
        return cliName;
    }

    /**
     * The scaled (peak) learning rate for global batch {@code globalBatch}.
     *
     * @param referenceLr    η_ref, the rate tuned at {@code referenceBatch}; finite and &gt; 0
     * @param globalBatch    B, examples per synchronized step; &ge; 1
     * @param referenceBatch B_ref; &ge; 1
     * @throws IllegalArgumentException naming the bad argument and its value
     */
    public double scale(double referenceLr, int globalBatch, int referenceBatch) {
        Checks.positive("referenceLr", referenceLr);
        Checks.positive("globalBatch", globalBatch);
        Checks.positive("referenceBatch", referenceBatch);
        double k = (double) globalBatch / referenceBatch;
        return switch (this) {
            case NONE, ADASCALE -> referenceLr;
            case LINEAR -> referenceLr * k;
            case SQRT -> referenceLr * Math.sqrt(k);
        };
    }

    /** Comma-separated list of the valid command-line names. */
    public static String validNames() {
        return Arrays.stream(values()).map(LrScaling::cliName).collect(Collectors.joining(", "));
    }

    /**
     * Parses a command-line name (case-insensitive, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the bad value and listing the valid ones
     */
    public static LrScaling parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (LrScaling s : values()) {
                if (s.cliName.equals(n)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("unknown lr scaling '" + name + "' (valid values: " + validNames() + ")");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
