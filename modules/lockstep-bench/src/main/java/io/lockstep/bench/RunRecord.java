package io.lockstep.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.output.TeeOutputStream;

/**
 * {@code --record DIR}: the raw outputs of one bench run in a directory meant to be committed (e.g.
 * {@code results/bench/<name>/}), so every number quoted from the run can be checked against them:
 * {@code console.txt} (everything the bench printed), {@code bench.json} and {@code bench.csv} (every side at
 * every B, settings, Spark and channel floors, targets), {@code environment.json} ({@code uptime} and
 * {@code /proc/loadavg} at start and end, CPU, memory, OS, Java, Python/torch, git commit and whether the tree
 * had changes, the command line) and, when the PyTorch DDP side ran, {@code ddp_bench.jsonl} (the script's lines as printed).
 * A directory that exists and is not empty is refused, so a recorded run is never overwritten.
 */
final class RunRecord {
    private static final long COMMAND_SECONDS = 10;

    private final Path dir;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final Map<String, Object> environment = new LinkedHashMap<>();

    private RunRecord(Path dir) {
        this.dir = dir;
    }

    /** Fails naming --record when {@code dir} is a file or a non-empty directory, or cannot be created. */
    static void checkNew(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new IllegalArgumentException("--record: " + dir + " is a file, not a directory");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--record: " + dir
                            + " already exists and is not empty (a recorded run is never overwritten)");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("--record: cannot read " + dir + ": " + BenchMain.oneLine(e));
            }
        }
    }

    /** Creates {@code dir} and takes the environment at the start; {@code args} is the command line. */
    static RunRecord start(Path dir, List<String> args) throws IOException {
        checkNew(dir);
        Files.createDirectories(dir);
        RunRecord r = new RunRecord(dir);
        r.environment.put("command", "bin/lockstep bench " + String.join(" ", args));
        r.environment.put("started_at", Instant.now().toString());
        r.environment.put("uptime_start", uptime());
        r.environment.put("loadavg_start", loadavg());
        return r;
    }

    /** A stream that prints to {@code out} and into this record's {@code console.txt}. */
    PrintStream tee(PrintStream out) {
        return new PrintStream(new TeeOutputStream(out, console), true, StandardCharsets.UTF_8);
    }

    /** Adds an entry to {@code environment.json}. */
    void note(String key, Object value) {
        environment.put(key, value);
    }

    /** Writes every file; {@code ddpLines} may be empty. */
    void finish(BenchReport report, List<String> ddpLines) throws IOException {
        environment.put("finished_at", Instant.now().toString());
        environment.put("uptime_end", uptime());
        environment.put("loadavg_end", loadavg());
        environment.put("cpu_model", cpuModel());
        environment.put("cores", Runtime.getRuntime().availableProcessors());
        environment.put("mem_total", procLine("/proc/meminfo", "MemTotal:"));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        environment.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        environment.put("omp_num_threads", System.getenv("OMP_NUM_THREADS"));
        Path src = codeLocation();
        environment.put("git_commit", src == null ? null : git(src, "rev-parse", "HEAD"));
        environment.put("git_changed_files", src == null ? null : changedFiles(src));
        ResultFiles.writeAtomically(dir.resolve("bench.json"), ResultFiles.json(report));
        ResultFiles.writeAtomically(dir.resolve("bench.csv"), ResultFiles.csv(report.rows()));
        ResultFiles.writeAtomically(dir.resolve("environment.json"), ResultFiles.json(environment));
        if (!ddpLines.isEmpty()) {
            ResultFiles.writeAtomically(dir.resolve(DdpBench.SCRIPT.replace(".py", ".jsonl")),
                    String.join("\n", ddpLines) + "\n");
        }
        writeConsole();
    }

    /** Writes what was printed so far to {@code console.txt} (also after a failed run). */
    void writeConsole() throws IOException {
        ResultFiles.writeAtomically(dir.resolve("console.txt"), console.toString(StandardCharsets.UTF_8));
    }

    private static String uptime() {
        Subprocess.Result r = Subprocess.run(List.of("uptime"), Map.of(), COMMAND_SECONDS);
        return r.ok() ? r.stdout().strip() : null;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static String cpuModel() {
        String line = procLine("/proc/cpuinfo", "model name");
        return line == null ? null : line.substring(line.indexOf(':') + 1).strip();
    }

    /** The first line of {@code file} that starts with {@code prefix}, or null. */
    private static String procLine(String file, String prefix) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst().map(String::strip).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The folder of the bench's jar (or classes), inside the checkout it was built from. */
    private static Path codeLocation() {
        try {
            Path p = Path.of(RunRecord.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(p) ? p : p.getParent();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    private static String git(Path dir, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Subprocess.Result r = Subprocess.run(cmd, Map.of(), COMMAND_SECONDS);
        return r.ok() ? r.stdout().strip() : null;
    }

    /** Tracked files that differ from the commit ({@code git status --porcelain}, untracked files left out). */
    private static List<String> changedFiles(Path dir) {
        String s = git(dir, "status", "--porcelain", "--untracked-files=no");
        return s == null ? null : s.isEmpty() ? List.of() : List.of(s.split("\\R"));
    }
}
