package io.lockstep.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Wall times of the measured (post-warm-up) iterations of one run, in milliseconds, how many
 * examples one iteration processes, the training loss after the last iteration (a cross-check that
 * the sides did the same work), and over the measured iterations the process CPU time divided by the
 * wall time (NaN if not taken) and the number of busy threads ({@link ThreadCpu}; -1 if not taken).
 */
record Measurement(double[] millis, long examplesPerIteration, double finalLoss, double cpuPerWall,
                   int busyThreads) {
    Measurement {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no measured iterations");
        }
        if (examplesPerIteration <= 0) {
            throw new IllegalArgumentException("examplesPerIteration must be positive (got " + examplesPerIteration + ")");
        }
        millis = millis.clone();
    }

    static Measurement of(List<Double> millis, long examplesPerIteration, double finalLoss, CpuUse cpu) {
        return new Measurement(millis.stream().mapToDouble(Double::doubleValue).toArray(), examplesPerIteration,
                finalLoss, cpu.perWall(), cpu.busyThreads());
    }

    @Override
    public double[] millis() {
        return millis.clone();
    }

    /** Median wall time (mean of the two middle values for an even count). */
    double medianMillis() {
        return median(millis);
    }

    double minMillis() {
        return Arrays.stream(millis).min().orElseThrow();
    }

    double maxMillis() {
        return Arrays.stream(millis).max().orElseThrow();
    }

    /** Median-based throughput: examples per iteration / median seconds. */
    double examplesPerSecond() {
        return examplesPerIteration / (medianMillis() / 1000.0);
    }

    /** Median of {@code values} (mean of the two middle values for an even count); NaN if empty. */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
