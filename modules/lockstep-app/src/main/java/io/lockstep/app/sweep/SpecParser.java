package io.lockstep.app.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lockstep.app.train.TrainCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads a sweep spec (YAML or JSON) into a {@link SweepSpec}, rejecting unknown top-level keys,
 * unknown or sweep-managed train options, non-scalar values, empty grids and bad names with one
 * {@link SpecException} naming the file and the key.
 */
final class SpecParser {
    static final Set<String> TOP_LEVEL = Set.of("name", "description", "expected_runtime", "base", "grid", "runs", "stop");
    /** stop key → train option. */
    static final Map<String, String> STOP = Map.of("max-steps", "steps", "max-epochs", "epochs",
            "target-accuracy", "target-accuracy");
    /** Train options the sweep sets itself. */
    private static final Map<String, String> MANAGED = Map.of(
            "out", "each run goes to <sweep dir>/runs/<run name>; use 'lockstep sweep --out' for the sweep directory",
            "resume", "a sweep resumes by itself when rerun",
            "master", "use 'lockstep sweep --master'",
            "progress", "use 'lockstep sweep --no-progress'",
            "checkpoint-dir", "each run checkpoints into its own directory",
            "help", "not a training option", "version", "not a training option");
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    /** Most runs one spec may expand to (a few lines of grid can multiply to millions). */
    static final int MAX_RUNS = 1000;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final CommandLine.Model.CommandSpec train = new CommandLine(new TrainCommand()).getCommandSpec();

    private SpecParser(Path file) {
        this.file = file;
    }

    /** Reads and validates {@code file}. */
    static SweepSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(file, "cannot read the spec: " + e.getMessage());
        }
        return new SpecParser(file).parse(text);
    }

    private SweepSpec parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw error("not valid YAML: " + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", "; ")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw error("the spec must be a YAML mapping with at least 'name' (see README, Sweeps)");
        }
        List<String> swept = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                throw error("unknown top-level key '" + key + "' (allowed: name, description, expected_runtime, base, "
                        + "grid, runs, stop)");
            }
        }
        Map<String, List<String>> grid = new LinkedHashMap<>();
        List<Map<String, String>> runs = null;
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) { // swept keys in spec order
            String key = it.next();
            if (key.equals("grid")) {
                grid = grid(root.get(key), swept);
            } else if (key.equals("runs")) {
                runs = runs(root.get(key), swept);
            }
        }
        if (runs == null) {
            runs = List.of(Map.of());
        }
        checkSize(runs.size(), grid);
        for (Map<String, String> run : runs) {
            for (String key : run.keySet()) {
                if (grid.containsKey(key)) {
                    throw error("grid." + key + ": also set in runs, where the grid value would override it; "
                            + "sweep each option in one place");
                }
            }
        }
        Map<String, String> stop = stop(root.get("stop"), swept);
        return new SweepSpec(file, text, name(root.get("name")), optionalText(root, "description"),
                optionalText(root, "expected_runtime"), options("base", root.get("base")), grid, runs, stop, swept);
    }

    /** Refuses a spec whose runs × grid product exceeds {@link #MAX_RUNS}, before anything is expanded. */
    private void checkSize(int runs, Map<String, List<String>> grid) {
        long total = runs;
        StringBuilder sizes = new StringBuilder();
        for (List<String> values : grid.values()) {
            total = Math.min(total * values.size(), Integer.MAX_VALUE);
            sizes.append(sizes.length() == 0 ? "" : " x ").append(values.size());
        }
        if (total > MAX_RUNS) {
            throw error("expands to " + (total == Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : total)
                    + " runs (" + runs + " runs entries x grid " + (sizes.length() == 0 ? "none" : sizes) + "); at most "
                    + MAX_RUNS);
        }
    }

    private String name(JsonNode node) {
        if (node == null || node.isNull()) {
            throw error("'name' is required ([a-z0-9-]+; the default output directory is runs/sweeps/<name>)");
        }
        String name = scalar("name", node);
        if (!NAME.matcher(name).matches()) {
            throw error("name '" + name + "' may only contain a-z, 0-9 and '-'");
        }
        return name;
    }

    private String optionalText(JsonNode root, String key) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? null : scalar(key, n);
    }

    private Map<String, List<String>> grid(JsonNode node, List<String> swept) {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        if (node == null) {
            return grid;
        }
        if (!node.isObject() || node.isEmpty()) {
            throw error("grid must be a non-empty mapping of option → list of values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = "grid." + e.getKey();
            checkOption(where, e.getKey());
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw error(where + ": needs a non-empty list of values, e.g. [32, 128]");
            }
            Set<String> values = new LinkedHashSet<>();
            for (JsonNode v : e.getValue()) {
                if (!values.add(scalar(where, v))) {
                    throw error(where + ": value " + v.asText() + " appears twice");
                }
            }
            grid.put(e.getKey(), List.copyOf(values));
            addSwept(swept, e.getKey());
        }
        return grid;
    }

    private List<Map<String, String>> runs(JsonNode node, List<String> swept) {
        List<Map<String, String>> runs = new ArrayList<>();
        if (!node.isArray() || node.isEmpty()) {
            throw error("runs must be a non-empty list of option mappings, e.g. [{lr-scaling: linear}, {lr-scaling: sqrt}]");
        }
        for (int i = 0; i < node.size(); i++) {
            Map<String, String> run = options("runs[" + (i + 1) + "]", node.get(i));
            run.keySet().forEach(k -> addSwept(swept, k));
            runs.add(run);
        }
        return runs;
    }

    private Map<String, String> stop(JsonNode node, List<String> swept) {
        Map<String, String> stop = new LinkedHashMap<>();
        if (node == null) {
            return stop;
        }
        if (!node.isObject()) {
            throw error("stop must be a mapping, e.g. {max-steps: 3000, target-accuracy: 0.97}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String option = STOP.get(e.getKey());
            if (option == null) {
                throw error("stop." + e.getKey() + ": unknown stop criterion (allowed: max-steps, max-epochs, target-accuracy)");
            }
            for (String key : swept) {
                if (key.equals(option) || key.equals(Merge.alternative(option))) {
                    throw error("stop." + e.getKey() + " would override the swept option '" + key
                            + "' in every run; set it in base instead");
                }
            }
            stop.put(option, scalar("stop." + e.getKey(), e.getValue()));
        }
        return stop;
    }

    private Map<String, String> options(String where, JsonNode node) {
        Map<String, String> options = new LinkedHashMap<>();
        if (node == null) {
            return options;
        }
        if (!node.isObject()) {
            throw error(where + " must be a mapping of train option → value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            checkOption(where + "." + e.getKey(), e.getKey());
            options.put(e.getKey(), scalar(where + "." + e.getKey(), e.getValue()));
        }
        return options;
    }

    private void checkOption(String where, String key) {
        if (key.startsWith("-")) {
            throw error(where + ": write option names without the leading dashes");
        }
        if (MANAGED.containsKey(key)) {
            throw error(where + ": '" + key + "' is set by the sweep (" + MANAGED.get(key) + ")");
        }
        if (train.findOption("--" + key) == null) {
            String hint = key.startsWith("no-") && train.findOption("--" + key.substring(3)) != null
                    ? "; write " + key.substring(3) + ": false" : "; see 'lockstep train --help'";
            throw error(where + ": unknown train option '" + key + "'" + hint);
        }
    }

    private String scalar(String where, JsonNode node) {
        if (node == null || node.isNull()) {
            throw error(where + ": no value");
        }
        if (!node.isValueNode()) {
            throw error(where + ": must be a single value (a list is only allowed in grid)");
        }
        return node.asText();
    }

    private static void addSwept(List<String> swept, String key) {
        if (!swept.contains(key)) {
            swept.add(key);
        }
    }

    private SpecException error(String message) {
        return new SpecException(file, message);
    }
}
