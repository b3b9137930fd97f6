package io.lockstep.app.report;

import java.util.Map;

/**
 * One {@code {"type":"step"}} line of metrics.jsonl. Undefined values (JSON null or absent) are NaN.
 *
 * @param step         0-based step index
 * @param epoch        0-based epoch
 * @param examples     examples processed after this step (cumulative)
 * @param loss         mean training loss over the global batch
 * @param lr           learning rate used
 * @param gradNorm     norm of the averaged gradient
 * @param bSimple      gradient noise scale B_simple (EMA-smoothed by the trainer)
 * @param globalBatch  the step's global batch B ({@code global_batch}; NaN in runs written before it was logged)
 * @param gain         AdaScale's gain ratio r_t ({@code adascale_gain}; NaN without AdaScale)
 * @param tau          AdaScale's scale-invariant iteration after the step ({@code adascale_tau}; NaN without)
 * @param updateRatios ‖Δw‖/‖w‖ per parameter block, in file order
 * @param timings      the time breakdown in milliseconds, keyed by field name ({@link #TIMING_FIELDS} order)
 */
record StepRecord(long step, int epoch, long examples, double loss, double lr, double gradNorm, double bSimple,
                  double globalBatch, double gain, double tau, Map<String, Double> updateRatios, Map<String, Double> timings) {

    /** The per-step time fields of metrics.jsonl, in the order they are plotted. */
    static final String[] TIMING_FIELDS = {"step_ms", "broadcast_ms", "job_ms", "slowest_task_ms", "aggregate_ms",
        "update_ms", "overhead_ms"};

    /** A timing by field name, NaN if absent. */
    double timing(String field) {
        Double v = timings.get(field);
        return v == null ? Double.NaN : v;
    }
}
