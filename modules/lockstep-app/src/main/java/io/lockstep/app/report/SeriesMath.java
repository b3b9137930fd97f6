package io.lockstep.app.report;

import java.util.Arrays;

/** Smoothing and reduction of per-step series for plotting. NaN marks a missing value throughout. */
final class SeriesMath {
    /** About this many points per plotted series after windowing. */
    static final int TARGET_POINTS = 100;

    /**
     * Data spanning at least this factor get a log axis where either scale would do: two decades, so that
     * decade-only tick labels still give three or more labels.
     */
    static final double LOG_SPAN = 100;

    private SeriesMath() {
    }

    /** A window that reduces {@code n} points to about {@value #TARGET_POINTS}. */
    static int window(int n) {
        return Math.max(1, (int) Math.ceil(n / (double) TARGET_POINTS));
    }

    /**
     * Exponential moving average with span {@code window} (α = 2/(window+1)), bias-corrected so early values are
     * not pulled towards zero; NaN inputs are skipped (the output repeats the running average, NaN before any).
     */
    static double[] ema(double[] y, int window) {
        double alpha = 2.0 / (window + 1);
        double[] out = new double[y.length];
        double m = 0;
        double weight = 0;
        for (int i = 0; i < y.length; i++) {
            if (Double.isFinite(y[i])) {
                m = (1 - alpha) * m + alpha * y[i];
                weight = (1 - alpha) * weight + alpha;
            }
            out[i] = weight > 0 ? m / weight : Double.NaN;
        }
        return out;
    }

    /** EMA of log(y), mapped back: the smoothing that looks right on a log axis (non-positive values skipped). */
    static double[] emaLog(double[] y, int window) {
        double[] logs = Arrays.stream(y).map(v -> v > 0 ? Math.log(v) : Double.NaN).toArray();
        return Arrays.stream(ema(logs, window)).map(Math::exp).toArray();
    }

    /** {@link #emaLog} on a log axis, {@link #ema} otherwise. */
    static double[] smooth(double[] y, int window, boolean logAxis) {
        return logAxis ? emaLog(y, window) : ema(y, window);
    }

    /**
     * Medians of consecutive windows of {@code window} points: returns {x, y} where x is the last x of each
     * window and y the median of its finite values (NaN if none).
     */
    static double[][] windowMedians(double[] x, double[] y, int window) {
        int n = (x.length + window - 1) / window;
        double[] wx = new double[n];
        double[] wy = new double[n];
        for (int w = 0; w < n; w++) {
            int from = w * window;
            int to = Math.min(x.length, from + window);
            wx[w] = x[to - 1];
            wy[w] = median(Arrays.copyOfRange(y, from, to));
        }
        return new double[][] {wx, wy};
    }

    /** Median of the finite values, NaN if there are none. */
    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** {@code n} points spaced evenly on a log scale from {@code from} to {@code to} (both &gt; 0). */
    static double[] logSpace(double from, double to, int n) {
        double[] out = new double[n];
        double a = Math.log(from);
        double step = (Math.log(to) - a) / (n - 1);
        for (int i = 0; i < n; i++) {
            out[i] = Math.exp(a + i * step);
        }
        return out;
    }

    /** max/min over the finite positive values (non-positive ones are ignored); 1 if there are none. */
    static double positiveSpan(double[]... series) {
        double[] v = Arrays.stream(series).flatMapToDouble(Arrays::stream).filter(x -> x > 0 && Double.isFinite(x))
                .toArray();
        return v.length == 0 ? 1 : Arrays.stream(v).max().getAsDouble() / Arrays.stream(v).min().getAsDouble();
    }

    /**
     * Whether a log axis suits these values: all finite values positive and spanning at least a factor
     * {@code ratio}.
     */
    static boolean spansDecades(double ratio, double[]... series) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double[] s : series) {
            for (double v : s) {
                if (Double.isFinite(v)) {
                    if (v <= 0) {
                        return false;
                    }
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return max > 0 && max / min >= ratio;
    }
}
