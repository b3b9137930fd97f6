package io.lockstep.perf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.data.DataException;
import io.lockstep.metrics.StepTimings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Reads a training run directory ({@code lockstep train --out DIR}) into a {@link MeasuredRun}:
 * B, P and the Spark master from {@code run.json} ({@code derived.global_batch}, {@code derived.workers},
 * {@code spark.master}), the parameter count from {@code model.params}, and from {@code metrics.jsonl}
 * (or, when only that is there, {@code metrics.jsonl.gz}) every {@code "step"} line (the last line per step
 * index wins, as after a resume or a rollback) and the first {@code "target_reached"} line; with
 * {@link #readHistory} also each step's batch and noise fields. The step transport is run.json's
 * {@code step_transport} ({@code job} when absent: runs recorded before the step channel existed). Every problem
 * is a {@link DataException} naming the file (and line).
 */
public final class RunDirectory {
    public static final String RUN_JSON = "run.json";
    public static final String METRICS = "metrics.jsonl";
    /** The gzipped metrics a results directory keeps, read when {@link #METRICS} is absent. */
    public static final String METRICS_GZ = "metrics.jsonl.gz";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunDirectory() {
    }

    /** Reads the run in {@code dir}. */
    public static MeasuredRun read(Path dir) {
        return readHistory(dir).run();
    }

    /**
     * Reads the run in {@code dir} with each step's batch and noise fields, run.json's
     * {@code derived.reference_batch} and its training set size ({@code dataset.train_size_after_validation_split},
     * else {@code dataset.train_size}).
     */
    public static RunHistory readHistory(Path dir) {
        Path missing = missingFile(dir);
        if (missing != null) {
            throw new DataException(missing + ": missing; " + dir + " is not a Lockstep run directory");
        }
        Path runJson = dir.resolve(RUN_JSON);
        JsonNode run = parse(runJson);
        Metrics m = readMetrics(metricsFile(dir));
        JsonNode dataset = run.path("dataset");
        long trainSize = dataset.path("train_size_after_validation_split").asLong(dataset.path("train_size").asLong(0));
        try {
            MeasuredRun r = new MeasuredRun(dir.toString(), (int) number(run, runJson, "derived", "global_batch"),
                    (int) number(run, runJson, "derived", "workers"), number(run, runJson, "model", "params"),
                    run.path("spark").path("master").asText("?"), m.steps(), m.stepsToTarget(), transport(run, runJson));
            return new RunHistory(r, m.statistics(), run.path("derived").path("reference_batch").asInt(0), trainSize);
        } catch (IllegalArgumentException e) {
            throw new DataException(dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first of {@code run.json} and {@code metrics.jsonl} (or {@code metrics.jsonl.gz}) that {@code dir} lacks,
     * or null when both are there.
     */
    public static Path missingFile(Path dir) {
        if (!Files.isRegularFile(dir.resolve(RUN_JSON))) {
            return dir.resolve(RUN_JSON);
        }
        return Files.isRegularFile(metricsFile(dir)) ? null : dir.resolve(METRICS);
    }

    private static Path metricsFile(Path dir) {
        Path plain = dir.resolve(METRICS);
        return Files.isRegularFile(plain) || !Files.isRegularFile(dir.resolve(METRICS_GZ)) ? plain
                : dir.resolve(METRICS_GZ);
    }

    private static JsonNode parse(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DataException(file + ": not valid JSON (" + firstLine(e) + ")", e);
        }
    }

    private static String transport(JsonNode run, Path file) {
        JsonNode t = run.path("step_transport");
        if (t.isMissingNode()) {
            return MeasuredRun.JOB;
        }
        if (!t.isTextual() || !(t.asText().equals(MeasuredRun.JOB) || t.asText().equals(MeasuredRun.CHANNEL))) {
            throw new DataException(file + ": step_transport must be \"" + MeasuredRun.JOB + "\" or \""
                    + MeasuredRun.CHANNEL + "\", got " + t);
        }
        return t.asText();
    }

    private static long number(JsonNode root, Path file, String object, String field) {
        JsonNode v = root.path(object).path(field);
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new DataException(file + ": " + object + "." + field + " must be an integer, got "
                    + (v.isMissingNode() ? "nothing" : v.toString()));
        }
        return v.asLong();
    }

    private record Metrics(List<StepSample> steps, List<StepStatistics> statistics, OptionalLong stepsToTarget) {}

    private static Metrics readMetrics(Path file) {
        TreeMap<Long, StepSample> steps = new TreeMap<>();
        TreeMap<Long, StepStatistics> statistics = new TreeMap<>();
        OptionalLong target = OptionalLong.empty();
        try (BufferedReader r = reader(file)) {
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
                    statistics.put(s.step(), statistics(o, s.step(), file, lineNo));
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
        return new Metrics(new ArrayList<>(steps.values()), new ArrayList<>(statistics.values()), target);
    }

    /** A UTF-8 reader of a metrics file, gunzipping one whose name ends in {@code .gz}. */
    public static BufferedReader reader(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".gz")) {
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        }
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8));
    }

    private static StepStatistics statistics(JsonNode o, long step, Path file, int lineNo) {
        String where = file + ":" + lineNo;
        JsonNode b = o.path("global_batch");
        if (!b.isMissingNode() && !b.isNull() && (!b.isIntegralNumber() || b.asLong() < 1 || b.asLong() > Integer.MAX_VALUE)) {
            throw new DataException(where + ": field \"global_batch\" must be a positive integer, got " + b);
        }
        return new StepStatistics(step, b.asInt(0), optional(o, "noise_grad_sq", where),
                optional(o, "noise_trace_sigma", where), optional(o, "adascale_variance", where),
                optional(o, "adascale_sq_norm", where));
    }

    /** A number, or NaN when the field is absent or null. */
    private static double optional(JsonNode o, String name, String where) {
        JsonNode v = o.path(name);
        return v.isMissingNode() || v.isNull() ? Double.NaN : field(o, name, where);
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
