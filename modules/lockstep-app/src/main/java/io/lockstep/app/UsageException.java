package io.lockstep.app;

import io.lockstep.config.OneLine;

/**
 * A combination of options that cannot work; reported as a usage error (exit code 2). The message is always one
 * line (control characters from the input are escaped, {@link OneLine}).
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) { super(OneLine.of(message)); }
}
