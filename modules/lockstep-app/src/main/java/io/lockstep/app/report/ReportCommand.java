package io.lockstep.app.report;

import io.lockstep.app.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep report DIR}: one self-contained HTML page with the charts of a run or a sweep. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a self-contained HTML report (charts embedded as PNG) for a run or sweep directory.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "1:unreadable input (the error names the file and line) or write error",
            "2:invalid command line (DIR missing, or neither a run nor a sweep directory)"})
public final class ReportCommand implements Callable<Integer> {
    static final String DEFAULT_NAME = "report.html";

    @Parameters(index = "0", paramLabel = "DIR",
            description = "A run directory (run.json + metrics.jsonl) or a sweep directory (summary.csv + runs/).")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE",
            description = "HTML file to write (default: DIR/" + DEFAULT_NAME + "). Replaced only once the new report"
                    + " is complete.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.setProperty("java.awt.headless", "true");
        boolean sweep = isSweep(dir);
        Path target = out != null ? out : dir.resolve(DEFAULT_NAME);
        if (Files.isDirectory(target)) {
            throw new UsageException("--out " + target + " is a directory; give a file name");
        }
        HtmlPage page = sweep ? SweepReport.build(dir) : RunReport.build(dir);
        write(target, page.render());
        spec.commandLine().getOut().println("lockstep report: wrote " + target + " (" + (sweep ? "sweep" : "run")
                + ", " + page.charts() + " charts)");
        return 0;
    }

    /** True for a sweep directory, false for a run directory; anything else is a usage error. */
    static boolean isSweep(Path dir) {
        if (!Files.exists(dir)) {
            throw new UsageException("DIR " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException("DIR " + dir + " is not a directory");
        }
        if (Files.isRegularFile(dir.resolve("summary.csv"))) {
            return true;
        }
        if (Files.isRegularFile(dir.resolve("run.json"))) {
            return false;
        }
        throw new UsageException("DIR " + dir + " is neither a run directory (no run.json) nor a sweep directory"
                + " (no summary.csv)");
    }

    /** Writes to a temporary file next to {@code target}, then renames it over: a failure leaves target as it was. */
    static void write(Path target, String html) {
        Path abs = target.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            // not createTempFile: its owner-only permissions would carry over to the report
            tmp = abs.resolveSibling("." + abs.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
            Files.writeString(tmp, html, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ReportException("cannot write " + target + ": " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException ignored) {
            // the temporary file is hidden and harmless; the real error (if any) is already being reported
        }
    }
}
