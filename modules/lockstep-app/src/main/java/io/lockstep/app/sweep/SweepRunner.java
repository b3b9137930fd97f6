package io.lockstep.app.sweep;

import io.lockstep.app.ErrorHandler;
import io.lockstep.app.UsageException;
import io.lockstep.app.train.TrainRun;
import io.lockstep.config.TrainConfig;
import io.lockstep.run.SpecJson;
import io.lockstep.spark.TrainResult;
import io.lockstep.spark.run.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a sweep's pending runs one after another on one {@link Runner} (one Spark context). Every pending run is first
 * resolved against its data (batch vs. training set, model, schedule length), so a bad run stops the
 * sweep before anything trains. A halt on divergence is a result; an exception fails only its run,
 * unless Spark was stopped under it (the sweep was interrupted): then nothing is recorded for the run.
 */
final class SweepRunner {
    /** The result.json key of the run's {@link io.lockstep.run.RunSpec} (what a rerun of the sweep compares). */
    static final String SPEC = "spec";

    private final SweepDir dir;
    private final PrintStream console;
    private final TrainRun.Output output;

    SweepRunner(SweepDir dir, PrintStream console, boolean progress, boolean saveModels) {
        this.dir = dir;
        this.console = console;
        this.output = new TrainRun.Output(console, progress, saveModels);
    }

    /** A run still to do, recorded in its run directory. */
    record Pending(int index, PlannedRun planned, TrainRun run) {}

    /** Trains every pending run and writes its result.json; returns how many failed. */
    int run(Runner runner, SweepSpec spec, int total, List<Pending> pending) throws IOException {
        try (ShutdownWatch shutdown = new ShutdownWatch()) {
            List<TrainConfig> configs = new ArrayList<>();
            for (Pending p : pending) {
                try {
                    configs.add(p.run().check(runner).config());
                } catch (UsageException | IllegalArgumentException e) {
                    throw new SpecException(spec.file(), "run '" + p.planned().name() + "': " + e.getMessage());
                }
            }
            int failed = 0;
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                console.printf("%n[%d/%d] %s%n", p.index() + 1, total, p.planned().name());
                Map<String, Object> row = runOne(runner, p, configs.get(i), shutdown);
                row.put(SPEC, SpecJson.tree(p.run().spec()));
                dir.writeResult(p.planned().name(), row);
                console.println(describe(p.index() + 1, total, row));
                failed += "failed".equals(row.get("status")) ? 1 : 0;
            }
            return failed;
        }
    }

    private Map<String, Object> runOne(Runner runner, Pending p, TrainConfig config,
                                       ShutdownWatch shutdown) throws IOException {
        String name = p.planned().name();
        dir.clearUnfinished(name);
        RunStats stats = new RunStats();
        long start = System.nanoTime();
        try {
            TrainRun.Result r = p.run().run(runner, output, stats);
            ResultRow.Status status = r.result().outcome() == TrainResult.Outcome.DIVERGED
                    ? ResultRow.Status.DIVERGED : ResultRow.Status.FINISHED;
            return ResultRow.of(p.planned(), r.config(), status, stats, r.result().steps(), r.seconds(), null);
        } catch (Exception e) {
            if (runner.stopped() || shutdown.started()) {
                // interrupted (kill, Ctrl-C): no result.json, so the next invocation runs it again
                throw new IllegalStateException("sweep interrupted during run '" + name + "' (Spark was stopped); "
                        + "rerun the same command to resume", e);
            }
            return ResultRow.of(p.planned(), config, ResultRow.Status.FAILED, stats, stats.stepsSeen(),
                    (System.nanoTime() - start) / 1e9, ErrorHandler.describe(e));
        }
    }

    /** Notices JVM shutdown (kill, Ctrl-C), which also stops Spark and fails the running job. */
    private static final class ShutdownWatch implements AutoCloseable {
        private volatile boolean started;
        private final Thread hook = new Thread(() -> started = true, "lockstep-sweep-shutdown-watch");

        ShutdownWatch() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        boolean started() {
            return started;
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
    }

    /** One log line per finished run: name, status, steps, best validation accuracy, steps to target. */
    static String describe(int number, int total, Map<String, Object> row) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%d/%d] %s: %s after %s steps (%.1f s)",
                number, total, row.get("run"), row.get("status"), row.get("steps"),
                ((Number) row.get("wall_seconds")).doubleValue()));
        Object best = row.get("best_val_accuracy");
        sb.append(best == null ? ", no validation set" : String.format(Locale.ROOT, ", best val accuracy %.4f",
                ((Number) best).doubleValue()));
        if (row.get("target_accuracy") != null) {
            sb.append(Boolean.TRUE.equals(row.get("reached_target"))
                    ? ", target reached after " + row.get("steps_to_target") + " steps" : ", target not reached");
        }
        if (row.get("diverged_step") != null) {
            sb.append(", diverged at step ").append(row.get("diverged_step"));
        }
        if (row.get("error") != null) {
            sb.append(": ").append(row.get("error"));
        }
        return sb.toString();
    }
}
