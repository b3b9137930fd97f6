package io.lockstep.run;

import io.lockstep.config.ConfigException;

/** Validation helper of the spec records: an error names the field and the value. */
final class Specs {
    private Specs() {}

    static void require(boolean ok, String field, Object value, String what) {
        if (!ok) {
            throw new ConfigException(field + " " + what + " (got " + value + ")");
        }
    }

    static <T> T notNull(String field, T value) {
        require(value != null, field, null, "must be given");
        return value;
    }
}
