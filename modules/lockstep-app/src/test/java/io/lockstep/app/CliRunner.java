package io.lockstep.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures its exit code and stderr. */
record CliRunner(int exitCode, String err) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRunner(code, err.toString());
    }

    /** True when stderr looks like a stack trace rather than a message. */
    boolean showsStackTrace() {
        return err.contains("\tat ") || err.contains("Exception in thread") || err.contains("Caused by:");
    }
}
