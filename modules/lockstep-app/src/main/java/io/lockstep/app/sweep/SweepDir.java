package io.lockstep.app.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The layout of a sweep directory: {@code sweep.yaml} (the spec as given), {@code plan.json} (run
 * name → train arguments), {@code runs/<name>/} (a train run dir plus {@code result.json}, written
 * last and atomically), {@code summary.csv} and {@code summary.parquet}.
 */
final class SweepDir {
    static final String SPEC = "sweep.yaml";
    static final String PLAN = "plan.json";
    static final String RUNS = "runs";
    static final String RESULT = "result.json";
    static final String SUMMARY_CSV = "summary.csv";
    static final String SUMMARY_PARQUET = "summary.parquet";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    SweepDir(Path root) {
        this.root = root;
    }

    Path root() { return root; }

    Path runDir(String name) {
        return root.resolve(RUNS).resolve(name);
    }

    /** True when the run finished (or diverged, or failed) in an earlier invocation: its result.json exists. */
    boolean isDone(String name) {
        return Files.isRegularFile(runDir(name).resolve(RESULT));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> readResult(Path resultFile) throws IOException {
        return JSON.readValue(resultFile.toFile(), LinkedHashMap.class);
    }

    /** Every result.json under runs/, sorted by run directory name. */
    List<Path> resultFiles() throws IOException {
        Path runs = root.resolve(RUNS);
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            return dirs.map(d -> d.resolve(RESULT)).filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * Writes the spec as given and the plan. A different earlier spec is kept as
     * {@code sweep-<timestamp>.yaml}, never overwritten.
     */
    void writeSpecAndPlan(SweepSpec spec, List<PlannedRun> plan) throws IOException {
        Files.createDirectories(root.resolve(RUNS));
        Path specCopy = root.resolve(SPEC);
        if (Files.exists(specCopy) && !Files.readString(specCopy, StandardCharsets.UTF_8).equals(spec.text())) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Files.move(specCopy, root.resolve("sweep-" + stamp + ".yaml"));
        }
        writeAtomically(specCopy, spec.text().getBytes(StandardCharsets.UTF_8));
        Map<String, List<String>> planJson = new LinkedHashMap<>();
        plan.forEach(r -> planJson.put(r.name(), r.args()));
        writeAtomically(root.resolve(PLAN), JSON.writeValueAsBytes(planJson));
    }

    /** Removes what an interrupted run left behind (a run dir without result.json). */
    void clearUnfinished(String name) throws IOException {
        Path dir = runDir(name);
        if (!isDone(name)) {
            deleteTree(dir);
        }
    }

    /** Deletes a directory and everything in it (nothing if it does not exist). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Writes result.json last and atomically (temporary file + rename). */
    void writeResult(String name, Map<String, Object> result) throws IOException {
        Files.createDirectories(runDir(name));
        writeAtomically(runDir(name).resolve(RESULT), JSON.writeValueAsBytes(result));
    }

    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
