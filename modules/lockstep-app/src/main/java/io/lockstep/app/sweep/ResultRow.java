package io.lockstep.app.sweep;

import io.lockstep.config.TrainConfig;
import io.lockstep.metrics.TargetReached;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a run's result.json: the summary columns of {@link SummaryColumns#FIXED} (null = empty),
 * then {@code params} (swept key → value as given), {@code args} and {@code finished_at}; the sweep runner
 * adds the run's spec ({@link SweepRunner#SPEC}).
 */
final class ResultRow {
    /** How a run ended, as the summary's status column says it. */
    enum Status { FINISHED, DIVERGED, FAILED;
        String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private ResultRow() {}

    /**
     * @param applied steps whose update was applied (the trainer's result, or the steps seen before a failure)
     * @param seconds training wall time
     * @param error   the failure's message, or null
     */
    static Map<String, Object> of(PlannedRun run, TrainConfig config, Status status, RunStats stats, long applied,
                                  double seconds, String error) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("run", run.name());
        r.put("status", status.label());
        r.put("global_batch", config.globalBatch());
        r.put("workers", config.workers());
        r.put("lr", config.lr());
        r.put("lr_scaling", config.lrScaling().cliName());
        r.put("reference_batch", config.referenceBatch());
        r.put("peak_lr", config.peakLr());
        r.put("warmup", config.scheduleConfig().warmup().cliName());
        r.put("warmup_steps", config.scheduleConfig().warmupSteps());
        r.put("optimizer", config.optimizer().type().cliName());
        r.put("seed", config.seed());
        r.put("steps", applied);
        r.put("examples", stats.examples(applied));
        r.put("wall_seconds", seconds);
        r.put("target_accuracy", config.targetAccuracy() > 0 ? config.targetAccuracy() : null);
        TargetReached t = stats.target();
        r.put("reached_target", t != null);
        r.put("steps_to_target", t == null ? null : t.steps());
        r.put("examples_to_target", t == null ? null : t.examples());
        r.put("seconds_to_target", t == null ? null : t.seconds());
        r.put("best_val_accuracy", stats.bestValidation());
        r.put("final_val_accuracy", stats.finalValidation());
        r.put("final_test_accuracy", stats.finalTest());
        r.put("final_train_loss", stats.finalTrainLoss(applied));
        r.put("peak_loss", stats.peakLoss());
        r.put("diverged", status == Status.DIVERGED);
        r.put("diverged_step", status == Status.DIVERGED && stats.halt() != null ? stats.halt().step() : null);
        r.put("b_simple_last_epoch", stats.bSimpleLastEpoch(applied));
        r.put("error", error);
        r.put("params", run.params());
        r.put("args", run.args());
        r.put("finished_at", Instant.now().toString());
        return r;
    }
}
