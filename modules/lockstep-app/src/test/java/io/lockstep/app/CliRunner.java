package io.lockstep.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs the CLI in-process and captures its exit code, stderr and what it printed on stdout (picocli's writer and
 * {@code System.out}, where the commands' consoles print).
 */
record CliRunner(int exitCode, String err, String out) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream saved = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            System.setOut(saved);
        }
        return new CliRunner(code, err.toString(), out + console.toString(StandardCharsets.UTF_8));
    }

    /** True when stderr looks like a stack trace rather than a message. */
    boolean showsStackTrace() {
        return err.contains("\tat ") || err.contains("Exception in thread") || err.contains("Caused by:");
    }
}
