package io.lockstep.app.sweep;

import io.lockstep.app.UsageException;
import java.nio.file.Path;

/** An invalid sweep spec: the message names the spec file, the section, run or key, and the problem (exit code 2). */
public final class SpecException extends UsageException {
    private static final long serialVersionUID = 1L;

    public SpecException(Path file, String message) {
        super(file + ": " + message);
    }
}
