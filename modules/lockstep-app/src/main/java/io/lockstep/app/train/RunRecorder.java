package io.lockstep.app.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lockstep.metrics.BatchChoice;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.StepTimings;
import io.lockstep.metrics.TargetReached;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.spark.TrainListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a run directory: {@code run.json} (provenance, rewritten atomically at the end) and
 * {@code metrics.jsonl} (one JSON object per step and per evaluation, flushed line by line so a
 * crashed run keeps everything up to its last step).
 */
final class RunRecorder implements TrainListener, AutoCloseable {
    static final String RUN_JSON = "run.json";
    static final String METRICS = "metrics.jsonl";
    static final String MODEL = "model.zip";
    static final String BEST_MODEL = "best-model.zip";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINES = new ObjectMapper();

    private final Path dir;
    private final BufferedWriter metrics;

    private RunRecorder(Path dir, BufferedWriter metrics) {
        this.dir = dir;
        this.metrics = metrics;
    }

    /** Creates the run directory; refuses a directory that already holds a run, so nothing is overwritten. */
    static RunRecorder create(Path dir) throws IOException {
        if (Files.exists(dir.resolve(RUN_JSON)) || Files.exists(dir.resolve(METRICS))) {
            throw new io.lockstep.app.UsageException("--out " + dir + " already contains a run (" + RUN_JSON
                    + "); choose another directory");
        }
        Files.createDirectories(dir);
        BufferedWriter w = Files.newBufferedWriter(dir.resolve(METRICS), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new RunRecorder(dir, w);
    }

    /** Reopens an existing run directory to continue it: metrics.jsonl is appended to, never truncated. */
    static RunRecorder append(Path dir, long fromStep) throws IOException {
        if (!Files.exists(dir.resolve(RUN_JSON))) {
            throw new io.lockstep.app.UsageException("--resume " + dir + " is not a run directory (no " + RUN_JSON + ")");
        }
        BufferedWriter w = Files.newBufferedWriter(dir.resolve(METRICS), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        RunRecorder r = new RunRecorder(dir, w);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "resume");
        line.put("from_step", fromStep);
        line.put("time", java.time.Instant.now().toString());
        r.write(line);
        return r;
    }

    /**
     * Records the changes a resume applied against the stored run spec: one line of type
     * {@code resume_changes}; nothing when there are none.
     */
    void writeChanges(java.util.List<io.lockstep.run.SpecDiff.Difference> changes,
                      java.util.function.Function<String, String> label) {
        if (changes.isEmpty()) {
            return;
        }
        java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (io.lockstep.run.SpecDiff.Difference d : changes) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("option", label.apply(d.field()));
            c.put("field", d.field());
            c.put("checkpoint", d.before());
            c.put("command", d.after());
            c.put("changes_math", d.changesMath());
            list.add(c);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "resume_changes");
        line.put("changes", list);
        line.put("time", java.time.Instant.now().toString());
        write(line);
    }

    /** Reads a run directory's run.json. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readRunJson(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(RUN_JSON).toFile(), LinkedHashMap.class);
    }

    Path dir() { return dir; }

    Path modelFile() { return dir.resolve(MODEL); }

    /** Writes run.json atomically (temp file + rename). */
    void writeRunJson(Map<String, Object> run) throws IOException {
        Path tmp = dir.resolve(RUN_JSON + ".tmp");
        JSON.writeValue(tmp.toFile(), run);
        Files.move(tmp, dir.resolve(RUN_JSON), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void onStep(StepMetrics m) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "step");
        line.put("step", m.step());
        line.put("epoch", m.epoch());
        line.put("examples", m.examples());
        line.put("global_batch", m.globalBatch());
        StepMetrics.Stats s = m.stats();
        line.put("loss", s.loss());
        line.put("lr", s.lr());
        line.put("grad_norm", s.gradNorm());
        line.put("clipped", s.clipped());
        NoiseScaleEstimator.Estimate n = s.noise();
        line.put("noise_grad_sq", finiteOrNull(n.gradSqNorm()));
        line.put("noise_trace_sigma", finiteOrNull(n.traceSigma()));
        line.put("b_simple", finiteOrNull(n.bSimple()));
        if (s.adaScale() != null) {
            line.put("adascale_gain", s.adaScale().gain());
            line.put("adascale_tau", s.adaScale().tau() + s.adaScale().gain());
            line.put("adascale_variance", finiteOrNull(s.adaScale().variance()));
            line.put("adascale_sq_norm", finiteOrNull(s.adaScale().sqNorm()));
        }
        Map<String, Double> ratios = new LinkedHashMap<>();
        s.updateRatios().forEach((k, v) -> ratios.put(k, finiteOrNull(v)));
        line.put("update_ratio", ratios);
        line.put("step_ms", m.stepMillis());
        StepTimings t = m.timings();
        line.put("broadcast_ms", t.broadcastMillis());
        line.put("job_ms", t.jobMillis());
        line.put("slowest_task_ms", t.slowestTaskMillis());
        line.put("aggregate_ms", t.aggregateMillis());
        line.put("update_ms", t.updateMillis());
        line.put("overhead_ms", t.overheadMillis());
        write(line);
    }

    @Override
    public void onEval(EvalMetrics m) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "eval");
        line.put("set", m.set());
        line.put("step", m.step());
        line.put("epoch", m.epoch());
        line.put("loss", m.loss());
        line.put("accuracy", m.accuracy());
        line.put("count", m.count());
        write(line);
    }

    @Override
    public void onBatchChoice(BatchChoice c) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "batch_choice");
        line.put("step", c.step());
        line.put("batch", c.batch());
        line.put("previous_batch", c.previousBatch());
        line.put("goodput", c.goodput());
        line.put("efficiency", c.efficiency());
        line.put("predicted_step_ms", c.predictedStepMillis());
        write(line);
    }

    @Override
    public void onDivergence(DivergenceEvent d) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "divergence");
        line.put("step", d.step());
        line.put("epoch", d.epoch());
        line.put("loss", finiteOrNull(d.loss()));
        line.put("lr", d.lr());
        line.put("global_batch", d.globalBatch());
        line.put("reason", d.reason());
        line.put("action", d.action());
        line.put("restored_step", d.restoredStep());
        line.put("lr_factor", d.lrFactor());
        write(line);
    }

    @Override
    public void onTargetReached(TargetReached t) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "target_reached");
        line.put("step", t.step());
        line.put("steps", t.steps());
        line.put("examples", t.examples());
        line.put("accuracy", t.accuracy());
        line.put("target", t.target());
        line.put("seconds", t.seconds());
        write(line);
    }

    /** JSON has no NaN/Infinity: undefined values are written as null. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private void write(Map<String, Object> line) {
        try {
            metrics.write(LINES.writeValueAsString(line));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(METRICS) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        metrics.close();
    }
}
