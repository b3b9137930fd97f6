package io.lockstep.schedule;

/** Argument checks shared by the schedules; every message names the field and the value. */
final class Checks {
    private Checks() {
    }

    /** A learning rate value: finite and {@code >= 0}. */
    static double lr(String field, double v) {
        if (!(Double.isFinite(v) && v >= 0)) {
            throw new IllegalArgumentException(field + " must be finite and >= 0 (got " + v + ")");
        }
        return v;
    }

    /** A finite, strictly positive number. */
    static double positive(String field, double v) {
        if (!(Double.isFinite(v) && v > 0)) {
            throw new IllegalArgumentException(field + " must be finite and > 0 (got " + v + ")");
        }
        return v;
    }

    static long nonNegative(String field, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(field + " must be >= 0 (got " + v + ")");
        }
        return v;
    }

    static long positive(String field, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be positive (got " + v + ")");
        }
        return v;
    }

    /** The argument of {@link LrSchedule#lr(long)}: a 0-based step. */
    static long step(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0 (got " + step + ")");
        }
        return step;
    }

    static <T> T notNull(String field, T v) {
        if (v == null) {
            throw new NullPointerException(field + " must not be null");
        }
        return v;
    }

    /** Decay window {@code [start, end]} with {@code end > start >= 0}. */
    static void window(long start, long end) {
        nonNegative("start", start);
        if (end <= start) {
            throw new IllegalArgumentException("end (" + end + ") must be greater than start (" + start + ")");
        }
    }

    /** Fraction of the decay window reached at {@code step}, clamped to [0, 1]. */
    static double progress(long step, long start, long end) {
        long t = Math.min(Math.max(step(step), start), end);
        return (double) (t - start) / (double) (end - start);
    }
}
