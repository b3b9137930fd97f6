package io.lockstep.train;

import io.lockstep.config.OneLine;
import java.io.IOException;

/**
 * A checkpoint that fails verification or cannot be used: one line naming the file and what failed,
 * e.g. {@code ckpt-000000000020/arrays.bin: array 'params' CRC32C mismatch}. Control characters and line separators
 * that come from the files (a JSON parser's excerpt of the manifest, an array's name) are escaped ({@link OneLine}).
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(OneLine.of(message));
    }

    /** The same failure inside checkpoint folder {@code folder}: "folder/message" (the message starts with a file). */
    public CheckpointException inFolder(String folder) {
        return prefixed(folder + "/");
    }

    /** The same failure of file {@code file}: "file: message". */
    public CheckpointException inFile(String file) {
        return prefixed(file + ": ");
    }

    private CheckpointException prefixed(String prefix) {
        CheckpointException e = new CheckpointException(prefix + getMessage());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
