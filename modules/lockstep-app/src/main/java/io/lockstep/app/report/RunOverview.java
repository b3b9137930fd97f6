package io.lockstep.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's run.json: the resolved config and derived values as flat tables, provenance, and the few numbers the
 * report header needs.
 */
final class RunOverview {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PROVENANCE = {"command", "started", "model", "dataset", "spark", "versions",
        "git_commit"};

    /** Config field whose 0 means "resolved at start", the derived field with the value used, and how it was chosen. */
    private static final String[][] RESOLVED = {{"steps", "total_steps", "from the epochs"},
        {"referenceBatch", "reference_batch", "the global batch"}, {"ghostBatch", "ghost_batch", "automatic"}};

    private final String name;
    private final JsonNode root;

    private RunOverview(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    /** Reads {@code dir/run.json}; the run's name is the directory name. */
    static RunOverview read(Path dir) {
        Path file = dir.resolve("run.json");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ReportException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ReportException(file + ": expected a JSON object");
        }
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        return new RunOverview(fileName == null ? dir.toString() : fileName.toString(), root);
    }

    String name() {
        return name;
    }

    /** A value by path ({@code "derived", "peak_lr"}) as display text, empty if absent. */
    String text(String... path) {
        JsonNode n = node(path);
        return n.isMissingNode() || n.isNull() ? "" : Format.json(n);
    }

    /** A number by path, NaN if absent or not a number. */
    double number(String... path) {
        JsonNode n = node(path);
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /**
     * The config ({@code config.*}) and derived values ({@code derived.*}), flattened. A config field whose 0 means
     * "resolved at start" ({@link #RESOLVED}) shows the value the run used, from {@code derived}, as the console
     * printed it.
     */
    Map<String, String> configTable() {
        Map<String, String> rows = new LinkedHashMap<>();
        flatten("", root.path("config"), rows);
        for (String[] r : RESOLVED) {
            JsonNode given = root.path("config").path(r[0]);
            JsonNode used = root.path("derived").path(r[1]);
            if (given.isNumber() && given.asDouble() == 0 && used.isNumber()) {
                rows.put(r[0], Format.json(used) + " (" + r[2] + "; config 0)");
            }
        }
        flatten("derived.", root.path("derived"), rows);
        return rows;
    }

    /** Where the run came from: command, model, dataset, Spark, versions, commit, flattened. */
    Map<String, String> provenanceTable() {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String key : PROVENANCE) {
            flatten(key, root.path(key), rows);
        }
        return rows;
    }

    private JsonNode node(String... path) {
        JsonNode n = root;
        for (String p : path) {
            n = n.path(p);
        }
        return n;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isMissingNode()) {
            return;
        }
        if (n.isObject()) {
            String dot = prefix.isEmpty() || prefix.endsWith(".") ? prefix : prefix + ".";
            n.fields().forEachRemaining(e -> flatten(dot + e.getKey(), e.getValue(), out));
        } else {
            out.put(prefix, Format.json(n));
        }
    }
}
