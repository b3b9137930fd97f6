package io.lockstep.data;

import io.lockstep.config.OneLine;

/**
 * A problem with input data: the message names the file or dataset and what is wrong with it; always one line
 * (control characters from the input are escaped, {@link OneLine}).
 */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) { super(OneLine.of(message)); }

    public DataException(String message, Throwable cause) { super(OneLine.of(message), cause); }
}
