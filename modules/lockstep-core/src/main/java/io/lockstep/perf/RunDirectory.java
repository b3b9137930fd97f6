package io.lockstep.perf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.data.DataException;
import io.lockstep.metrics.StepTimings;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Reads a training run directory ({@code lockstep train --out DIR}) into a {@link MeasuredRun}:
 * B, P and the Spark master from {@code run.json} ({@code derived.global_batch}, {@code derived.workers},
 * {@code spark.master}), the parameter count from {@code model.params}, and from {@code metrics.jsonl}
 * every {@code "step"} line (the last line per step index wins, as after a resume or a rollback) and the
 * first {@code "target_reached"} line. Every problem is a {@link DataException} naming the file (and line).
 */
public final class RunDirectory {
    public static final String RUN_JSON = "run.json";
    public static final String METRICS = "metrics.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunDirectory() {
    }

    /** Reads the run in {@code dir}. */
    public static MeasuredRun read(Path dir) {
        Path missing = missingFile(dir);
        if (missing != null) {
            throw new DataException(missing + ": missing; " + dir + " is not a Lockstep run directory");
        }
        Path runJson = dir.resolve(RUN_JSON);
        Path metrics = dir.resolve(METRICS);
        JsonNode run = parse(runJson);
        Metrics m = readMetrics(metrics);
        try {
            return new MeasuredRun(dir.toString(), (int) number(run, runJson, "derived", "global_batch"),
                    (int) number(run, runJson, "derived", "workers"), number(run, runJson, "model", "params"),
                    run.path("spark").path("master").asText("?"), m.steps(), m.stepsToTarget());
        } catch (IllegalArgumentException e) {
            throw new DataException(dir + ": " + e.getMessage(), e);
        }
    }

    /** The first of {@code run.json} and {@code metrics.jsonl} that {@code dir} lacks, or null when both are there. */
    public static Path missingFile(Path dir) {
        for (String name : new String[] {RUN_JSON, METRICS}) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        return null;
    }

    private static JsonNode parse(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DataException(file + ": not valid JSON (" + firstLine(e) + ")", e);
        }
    }

    private static long number(JsonNode root, Path file, String object, String field) {
        JsonNode v = root.path(object).path(field);
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new DataException(file + ": " + object + "." + field + " must be an integer, got "
                    + (v.isMissingNode() ? "nothing" : v.toString()));
        }
        return v.asLong();
    }

    private record Metrics(List<StepSample> steps, OptionalLong stepsToTarget) {}

    private static Metrics readMetrics(Path file) {
        TreeMap<Long, StepSample> steps = new TreeMap<>();
        OptionalLong target = OptionalLong.empty();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o = parseLine(file, lineNo, line);
                String type = o.path("type").asText("");
                if (type.equals("step")) {
                    StepSample s = step(o, file, lineNo);
                    steps.put(s.step(), s);
                } else if (type.equals("target_reached") && target.isEmpty()) {
                    target = OptionalLong.of(stepsToTarget(o, file, lineNo));
                }
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + firstLine(e) + ")", e);
        }
        if (steps.isEmpty()) {
            throw new DataException(file + ": no \"step\" lines; the run has not trained yet");
        }
        return new Metrics(new ArrayList<>(steps.values()), target);
    }

    private static JsonNode parseLine(Path file, int lineNo, String line) {
        try {
            JsonNode o = JSON.readTree(line);
            if (!o.isObject()) {
                throw new DataException(file + ":" + lineNo + ": expected a JSON object, got " + abbreviate(line));
            }
            return o;
        } catch (JsonProcessingException e) {
            throw new DataException(file + ":" + lineNo + ": not valid JSON (" + firstLine(e) + ")", e);
        }
    }

    private static StepSample step(JsonNode o, Path file, int lineNo) {
        String where = file + ":" + lineNo;
        try {
            long step = (long) field(o, "step", where);
            StepTimings t = new StepTimings(field(o, "broadcast_ms", where), field(o, "job_ms", where),
                    field(o, "slowest_task_ms", where), field(o, "aggregate_ms", where), field(o, "update_ms", where));
            JsonNode b = o.path("b_simple");
            return new StepSample(step, field(o, "step_ms", where), t, b.isNumber() ? b.asDouble() : Double.NaN);
        } catch (IllegalArgumentException e) {
            throw new DataException(where + ": " + e.getMessage(), e);
        }
    }

    /** Updates applied at the target: the line's {@code steps}, else its 0-based {@code step} + 1. */
    private static long stepsToTarget(JsonNode o, Path file, int lineNo) {
        String where = file + ":" + lineNo;
        return o.has("steps") ? (long) field(o, "steps", where) : (long) field(o, "step", where) + 1;
    }

    private static double field(JsonNode o, String name, String where) {
        JsonNode v = o.path(name);
        if (!v.isNumber()) {
            throw new DataException(where + ": field \"" + name + "\" must be a number, got "
                    + (v.isMissingNode() ? "nothing" : v.toString()));
        }
        return v.asDouble();
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
