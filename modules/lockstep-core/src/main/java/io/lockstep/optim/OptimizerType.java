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
    ADAM("adam");

    private final String cliName;

    OptimizerType(String cliName) {
        this.cliName = cliName;
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
