package io.lockstep.train;

import java.io.IOException;

/**
 * A checkpoint that fails verification or cannot be used: one line naming the file and what failed,
 * e.g. {@code ckpt-000000000020/arrays.bin: array 'params' CRC32C mismatch}.
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    /** The same failure with {@code where} (a folder or file) in front: "where/message" or "where: message". */
    public CheckpointException in(String where, boolean isFolder) {
        CheckpointException e = new CheckpointException(where + (isFolder ? "/" : ": ") + getMessage());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
