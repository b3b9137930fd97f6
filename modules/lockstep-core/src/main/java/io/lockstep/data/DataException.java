package io.lockstep.data;

/** A problem with input data: the message names the file or dataset and what is wrong with it. */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) { super(message); }

    public DataException(String message, Throwable cause) { super(message, cause); }
}
