package io.lockstep.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Wall times of the measured (post-warm-up) iterations of one run, in milliseconds, plus the
 * training loss of the last iteration (a cross-check that both sides did the same work).
 */
record Measurement(double[] millis, double finalLoss) {
    Measurement {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no measured iterations");
        }
        millis = millis.clone();
    }

    static Measurement of(List<Double> millis, double finalLoss) {
        return new Measurement(millis.stream().mapToDouble(Double::doubleValue).toArray(), finalLoss);
    }

    /** Median wall time (mean of the two middle values for an even count). */
    double medianMillis() {
        double[] s = millis.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    double minMillis() {
        return Arrays.stream(millis).min().orElseThrow();
    }

    double maxMillis() {
        return Arrays.stream(millis).max().orElseThrow();
    }

    /** Median-based throughput: {@code batch / median seconds}. */
    double examplesPerSecond(int batch) {
        return batch / (medianMillis() / 1000.0);
    }
}
