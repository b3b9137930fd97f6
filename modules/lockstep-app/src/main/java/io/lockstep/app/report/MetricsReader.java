package io.lockstep.app.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a run's metrics.jsonl into {@link RunMetrics}: step, eval, divergence and batch_choice lines. Lines of
 * unknown type (e.g. {@code resume}) are skipped;
 * a line that is not a JSON object, or whose known fields have the wrong type, is an error naming the file
 * and line number.
 */
final class MetricsReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<Long, StepRecord> steps = new TreeMap<>();
    private final Map<String, EvalRecord> evals = new LinkedHashMap<>();
    private final Map<Long, DivergenceRecord> divergences = new TreeMap<>();
    private final Map<Long, BatchChoiceRecord> batchChoices = new TreeMap<>();
    private int lineNo;

    private MetricsReader(Path file) {
        this.file = file;
    }

    /** Reads and validates {@code file}. */
    static RunMetrics read(Path file) {
        return new MetricsReader(file).readAll();
    }

    private RunMetrics readAll() {
        Path gz = file.resolveSibling(file.getFileName() + ".gz"); // results/ keeps metrics gzipped
        Path source = Files.isRegularFile(file) || !Files.isRegularFile(gz) ? file : gz;
        if (!Files.isRegularFile(source)) {
            throw new ReportException(file + ": no such file (a run directory needs metrics.jsonl)");
        }
        try (BufferedReader in = io.lockstep.perf.RunDirectory.reader(source)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (!line.isBlank()) {
                    parse(line);
                }
            }
        } catch (IOException e) {
            throw new ReportException("cannot read " + file + ": " + e.getMessage(), e);
        }
        var sortedEvals = new ArrayList<>(evals.values());
        sortedEvals.sort(Comparator.comparingLong(EvalRecord::step));
        return new RunMetrics(new ArrayList<>(steps.values()), sortedEvals, new ArrayList<>(divergences.values()),
                new ArrayList<>(batchChoices.values()));
    }

    private void parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw error("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw error("expected a JSON object");
        }
        switch (node.path("type").asText("")) {
            case "step" -> {
                StepRecord s = step(node);
                steps.put(s.step(), s);
            }
            case "eval" -> {
                EvalRecord e = eval(node);
                evals.remove(e.set() + "@" + e.step());
                evals.put(e.set() + "@" + e.step(), e);
            }
            case "divergence" -> {
                DivergenceRecord d = divergence(node);
                divergences.put(d.step(), d);
            }
            case "batch_choice" -> {
                BatchChoiceRecord c = batchChoice(node);
                batchChoices.put(c.step(), c);
            }
            default -> { }
        }
    }

    private StepRecord step(JsonNode n) {
        return new StepRecord(integer(n, "step"), (int) optionalInteger(n, "epoch"), optionalInteger(n, "examples"),
                number(n, "loss"), number(n, "lr"), number(n, "grad_norm"), number(n, "b_simple"),
                number(n, "global_batch"), number(n, "adascale_gain"), number(n, "adascale_tau"), numberMap(n, "update_ratio"), timings(n));
    }

    private Map<String, Double> timings(JsonNode n) {
        Map<String, Double> t = new LinkedHashMap<>();
        for (String field : StepRecord.TIMING_FIELDS) {
            t.put(field, number(n, field));
        }
        return t;
    }

    private EvalRecord eval(JsonNode n) {
        JsonNode set = n.get("set");
        if (set == null || !set.isTextual()) {
            throw error("eval line without a text field 'set'");
        }
        return new EvalRecord(set.asText(), integer(n, "step"), (int) optionalInteger(n, "epoch"),
                number(n, "loss"), number(n, "accuracy"), optionalInteger(n, "count"));
    }

    private DivergenceRecord divergence(JsonNode n) {
        return new DivergenceRecord(integer(n, "step"), number(n, "loss"), number(n, "lr"),
                n.path("reason").asText(""), n.path("action").asText(""));
    }

    private BatchChoiceRecord batchChoice(JsonNode n) {
        return new BatchChoiceRecord(integer(n, "step"), integer(n, "batch"), number(n, "goodput"),
                number(n, "efficiency"));
    }

    private long integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw error("field '" + field + "' must be an integer (got " + (v == null ? "nothing" : v) + ")");
        }
        return v.asLong();
    }

    private long optionalInteger(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? -1 : integer(n, field);
    }

    private double number(JsonNode n, String field) {
        return value(n.get(field), field);
    }

    private double value(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw error("field '" + field + "' must be a number or null (got " + v + ")");
        }
        return v.asDouble();
    }

    private Map<String, Double> numberMap(JsonNode n, String field) {
        JsonNode obj = n.get(field);
        Map<String, Double> out = new LinkedHashMap<>();
        if (obj == null || obj.isNull()) {
            return out;
        }
        if (!obj.isObject()) {
            throw error("field '" + field + "' must be an object (got " + obj + ")");
        }
        obj.fields().forEachRemaining(e -> out.put(e.getKey(), value(e.getValue(), field + "." + e.getKey())));
        return out;
    }

    private ReportException error(String problem) {
        return new ReportException(file + " line " + lineNo + ": " + problem);
    }
}
