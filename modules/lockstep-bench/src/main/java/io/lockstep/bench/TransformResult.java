package io.lockstep.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * What {@code lockstep bench transform} measured: {@code LockstepClassificationModel.transform} plus a
 * {@code noop} write of every output column over a materialized DataFrame on Spark, and plain DL4J {@code output}
 * (plus arg-max) in one thread over the same rows, each as the median of the timed repetitions.
 *
 * @param rows        rows scored per repetition
 * @param workers     partitions = scoring tasks
 * @param scoreBatch  rows per forward pass
 * @param master      Spark master
 * @param loadAverage 1-minute load average at the start
 * @param transformMs wall times of the timed Spark repetitions
 * @param dl4jMs      wall times of the timed DL4J repetitions
 */
record TransformResult(int rows, int workers, int scoreBatch, String master, double loadAverage, double[] transformMs,
                       double[] dl4jMs) {
    TransformResult {
        if (transformMs.length == 0 || dl4jMs.length == 0) {
            throw new IllegalArgumentException("no timed repetitions");
        }
        transformMs = transformMs.clone();
        dl4jMs = dl4jMs.clone();
    }

    @JsonProperty("transformExamplesPerSec")
    public double transformExamplesPerSec() {
        return rows / (Measurement.median(transformMs) / 1000);
    }

    @JsonProperty("dl4jExamplesPerSec")
    public double dl4jExamplesPerSec() {
        return rows / (Measurement.median(dl4jMs) / 1000);
    }

    /** Spark transform throughput over single-thread DL4J's. */
    @JsonProperty("ratio")
    public double ratio() {
        return transformExamplesPerSec() / dl4jExamplesPerSec();
    }

    /** The report, one line per side and the ratio (ends with a newline). */
    String format() {
        String nl = System.lineSeparator();
        return String.format(Locale.ROOT, "Lockstep bench transform: %,d MNIST rows, mlp, score batch %d, load average"
                        + " %.2f at start%n", rows, scoreBatch, loadAverage)
                + line(String.format(Locale.ROOT, "transform (%s, %d partitions)", master, workers), transformMs) + nl
                + line("plain DL4J output, 1 thread", dl4jMs) + nl
                + String.format(Locale.ROOT, "  ratio transform / DL4J 1 thread: %.2f%n", ratio());
    }

    private String line(String what, double[] ms) {
        double median = Measurement.median(ms);
        return String.format(Locale.ROOT, "  %-36s %,12.0f examples/s (median %.1f ms of %d timed runs)", what,
                rows / (median / 1000), median, ms.length);
    }
}
