package io.lockstep.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a time limit: stdin from /dev/null, stdout collected, stderr to a
 * temporary file of which the last line is kept for messages. On time-out the process and its children
 * are killed. Never throws for a command that cannot start: the result says so.
 */
final class Subprocess {
    private Subprocess() {}

    /**
     * A finished command.
     *
     * @param code   exit code; -1 when it could not start, timed out or was interrupted
     * @param stdout everything it printed on stdout
     * @param detail the last non-blank stderr line, or why it did not finish
     */
    record Result(int code, String stdout, String detail) {
        boolean ok() {
            return code == 0;
        }

        /** "exit code 1: last stderr line", or the reason it did not run. */
        String problem() {
            return code < 0 ? detail : "exit code " + code + (detail.isEmpty() ? "" : ": " + detail);
        }

        /** Whether the command itself could not be started (e.g. not installed). */
        boolean notStarted() {
            return code < 0 && detail.startsWith("cannot run");
        }
    }

    static Result run(List<String> cmd, Map<String, String> env, long seconds) {
        Path err = null;
        Process p = null;
        try {
            err = Files.createTempFile("lockstep-bench-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            p = pb.start();
            Drain stdout = new Drain(p.getInputStream());
            stdout.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                kill(p);
                return new Result(-1, "", "timed out after " + seconds + " s");
            }
            stdout.join();
            return new Result(p.exitValue(), stdout.text(), lastLine(Files.readString(err, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return new Result(-1, "", "cannot run " + cmd.get(0) + ": " + BenchMain.oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) {
                kill(p);
            }
            return new Result(-1, "", "interrupted");
        } finally {
            deleteQuietly(err);
        }
    }

    /** The last non-blank line of {@code text}, stripped, or "". */
    static String lastLine(String text) {
        String[] lines = text.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void deleteQuietly(Path f) {
        if (f == null) {
            return;
        }
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }

    /** Drains a process's stdout on its own thread, so a full pipe never blocks the process. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private volatile String text = "";

        Drain(InputStream in) {
            super("bench-subprocess-stdout");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            try {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
        }

        String text() {
            return text;
        }
    }
}
