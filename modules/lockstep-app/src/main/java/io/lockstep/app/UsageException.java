package io.lockstep.app;

/** A combination of options that cannot work; reported as a usage error (exit code 2). */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) { super(message); }
}
