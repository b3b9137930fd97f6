package io.lockstep.app.sweep;

import java.util.List;

/**
 * The fixed columns of a sweep summary (and of each run's result.json), in order, with their types;
 * after them comes one {@link #param} column per swept key.
 */
final class SummaryColumns {
    /** Column types, as written to summary.parquet. */
    enum Type { STRING, LONG, DOUBLE, BOOLEAN }

    /** A named, typed column. */
    record Column(String name, Type type) {}

    static final List<Column> FIXED = List.of(
            col("run", Type.STRING), col("status", Type.STRING), col("global_batch", Type.LONG),
            col("workers", Type.LONG), col("lr", Type.DOUBLE), col("lr_scaling", Type.STRING),
            col("reference_batch", Type.LONG), col("peak_lr", Type.DOUBLE), col("warmup", Type.STRING),
            col("warmup_steps", Type.LONG), col("optimizer", Type.STRING), col("seed", Type.LONG),
            col("steps", Type.LONG), col("examples", Type.LONG), col("wall_seconds", Type.DOUBLE),
            col("target_accuracy", Type.DOUBLE), col("reached_target", Type.BOOLEAN),
            col("steps_to_target", Type.LONG), col("examples_to_target", Type.LONG),
            col("seconds_to_target", Type.DOUBLE), col("best_val_accuracy", Type.DOUBLE),
            col("final_val_accuracy", Type.DOUBLE), col("final_test_accuracy", Type.DOUBLE),
            col("final_train_loss", Type.DOUBLE), col("peak_loss", Type.DOUBLE), col("diverged", Type.BOOLEAN),
            col("diverged_step", Type.LONG), col("b_simple_last_epoch", Type.DOUBLE), col("error", Type.STRING));

    private SummaryColumns() {}

    private static Column col(String name, Type type) {
        return new Column(name, type);
    }

    /** The column of a swept key: {@code p_} + the key with '-' replaced by '_'. */
    static String param(String key) {
        return "p_" + key.replace('-', '_');
    }
}
