package io.lockstep.app.report;

import java.util.Map;

/**
 * One row of a sweep's summary.csv (see the sweep directory format in README "Sweeps"). Empty numeric cells are
 * NaN; {@code params} holds the swept {@code p_*} columns and {@code cells} every column as written.
 */
record SweepRow(String run, String status, int globalBatch, double lr, String lrScaling, double peakLr,
                String warmup, double warmupSteps, String optimizer, double steps, double wallSeconds,
                double targetAccuracy, boolean reachedTarget, double stepsToTarget, double examplesToTarget,
                double bestValAccuracy, double finalTestAccuracy, double finalTrainLoss, double peakLoss,
                boolean diverged, double divergedStep, double bSimpleLastEpoch, Map<String, String> params,
                Map<String, String> cells) {

    SweepRow {
        params = Map.copyOf(params);
        cells = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cells));
    }

    /** The learning rate actually used at the peak: {@code peak_lr}, else the {@code lr} given. */
    double effectiveLr() {
        return Double.isFinite(peakLr) ? peakLr : lr;
    }

    /** Examples to the target: the column if present, else steps_to_target × B (NaN if not reached). */
    double examplesNeeded() {
        return Double.isFinite(examplesToTarget) ? examplesToTarget : stepsToTarget * globalBatch;
    }

    /** True when the run diverged (status or flag). */
    boolean isDiverged() {
        return diverged || "diverged".equals(status);
    }

    /** A run that finished without diverging: its accuracies describe a trained model. */
    boolean isHealthy() {
        return "finished".equals(status) && !diverged;
    }
}
