package io.lockstep.bench;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The validated settings of {@code lockstep bench transform}; the constructor rejects bad values with one
 * message naming the option.
 *
 * @param rows       training rows scored (the first ones of MNIST's training set); 0 = all
 * @param workers    DataFrame partitions = scoring tasks
 * @param scoreBatch rows per forward pass, on both sides
 * @param warmup     untimed repetitions first
 * @param repeats    timed repetitions (the median is reported)
 * @param master     Spark master URL
 * @param seed       model seed
 * @param out        JSON file for the result, or null
 */
record TransformSettings(int rows, int workers, int scoreBatch, int warmup, int repeats, String master, long seed,
                         Path out) {
    /** Fewer timed repetitions give no meaningful median. */
    static final int MIN_REPEATS = 3;

    TransformSettings {
        BenchSettings.atLeast("--rows", rows, 0);
        BenchSettings.atLeast("--workers", workers, 1);
        BenchSettings.atLeast("--score-batch", scoreBatch, 1);
        BenchSettings.atLeast("--warmup", warmup, 0);
        BenchSettings.atLeast("--repeats", repeats, MIN_REPEATS);
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("--master: must not be empty");
        }
        if (out != null) {
            if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
                throw new IllegalArgumentException("--out: " + out + " must end in .json");
            }
            BenchSettings.checkWritable(out);
        }
    }

    /** The rows to score out of {@code available}; fails naming --rows when more are asked for. */
    int rowsOf(int available) {
        if (rows > available) {
            throw new IllegalArgumentException("--rows: " + rows + " is more than the " + available
                    + " training examples");
        }
        return rows == 0 ? available : rows;
    }
}
