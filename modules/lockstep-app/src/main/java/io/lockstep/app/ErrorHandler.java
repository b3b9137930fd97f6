package io.lockstep.app;

import io.lockstep.config.ConfigException;
import io.lockstep.data.DataException;
import io.lockstep.model.ModelException;
import picocli.CommandLine;

/**
 * Turns an exception from a command into one clear line on stderr and a non-zero exit code: the
 * user never sees a stack trace (set {@code LOCKSTEP_DEBUG=1} to get one).
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        Throwable root = rootCause(ex);
        cli.getErr().println("lockstep: " + describe(ex));
        if (System.getenv("LOCKSTEP_DEBUG") != null) {
            ex.printStackTrace(cli.getErr());
        }
        return isUsage(root) ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
    }

    /** "kind: message" in one line, e.g. "data error: FILE: truncated" (also used for failed sweep runs). */
    public static String describe(Throwable ex) {
        Throwable root = rootCause(ex);
        String kind = isUsage(root) ? "invalid option" : (root instanceof DataException ? "data error"
                : root instanceof ModelException ? "model error" : "error");
        return kind + ": " + oneLine(root);
    }

    private static boolean isUsage(Throwable root) {
        return root instanceof ConfigException || root instanceof UsageException;
    }

    /** The innermost exception carrying our own message (Spark wraps task failures several times). */
    static Throwable rootCause(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && cur.getCause() != cur) {
            if (cur instanceof DataException || cur instanceof ModelException || cur instanceof ConfigException) {
                return cur;
            }
            cur = cur.getCause();
        }
        return cur;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
