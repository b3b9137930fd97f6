package io.lockstep.optim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The optimizers Lockstep implements, with their lower-case command-line names. */
public enum OptimizerType {
    /** Plain SGD, DL4J {@code Sgd}. */
    SGD("sgd"),
    /** Nesterov momentum, DL4J {@code Nesterovs}. */
    NESTEROV("nesterov"),
    /** Adam, DL4J {@code Adam}. */
    ADAM("adam"),
    /**
     * LARS, layer-wise adaptive rate scaling with momentum (You, Gitman, Ginsburg 2017,
     * arXiv 1708.03888). Not in DL4J; see {@link LarsOptimizer}.
     */
    LARS("lars"),
    /**
     * LAMB, layer-wise adaptive moments (You et al. 2019, arXiv 1904.00962). Not in DL4J; see
     * {@link LambOptimizer}.
     */
    LAMB("lamb");

    private final String cliName;

    OptimizerType(String cliName) {
        this.cliName = cliName;
    }

    /**
     * True for the layer-wise rules (LARS, LAMB): they need the {@link io.lockstep.model.ParamLayout}
     * and apply {@link OptimizerConfig#weightDecay()} themselves, inside the trust ratio, so
     * {@link ParameterUpdate} must not add its post-updater weight decay for them.
     */
    public boolean layerwise() {
        return this == LARS || this == LAMB;
    }

    /**
     * True for the rules whose velocity state carries the learning rate (Nesterov in DL4J's form
     * {@code v = mu*v - lr*g}; LARS's {@code v = m*v + lr*trust*(g + beta*w)}), i.e. the ones Goyal et
     * al.'s momentum correction applies to (see {@link OptimizerConfig#momentumCorrection()}).
     */
    public boolean velocityCarriesLr() {
        return this == NESTEROV || this == LARS;
    }

    /** How many parameter-sized arrays of state the rule keeps (Adam/LAMB: 2 moments, Nesterov/LARS: 1 velocity). */
    public int stateArrays() {
        return switch (this) {
            case SGD -> 0;
            case NESTEROV, LARS -> 1;
            case ADAM, LAMB -> 2;
        };
    }

    /** The lower-case name used on the command line and in specs. */
    public String cliName() {
        return cliName;
    }

    /** Comma-separated list of the valid command-line names. */
    public static String validNames() {
        return Arrays.stream(values()).map(OptimizerType::cliName).collect(Collectors.joining(", "));
    }

    /**
     * Parses a command-line name (case-insensitive, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the bad value and listing the valid ones
     */
    public static OptimizerType parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (OptimizerType t : values()) {
                if (t.cliName.equals(n)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown optimizer '" + name + "' (valid values: " + validNames() + ")");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
