package io.lockstep.app.report;

/**
 * A report input that cannot be read or a report that cannot be written (exit code 1); the message names the
 * file. The underlying exception is attached as suppressed, not as the cause, so the CLI's error handler prints
 * this message rather than the library's.
 */
public final class ReportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message);
        addSuppressed(cause);
    }
}
