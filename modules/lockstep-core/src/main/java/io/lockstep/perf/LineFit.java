package io.lockstep.perf;

import java.util.Arrays;

/**
 * The ordinary least-squares line y = intercept + slope·x through points (x[i], y[i]).
 *
 * @param intercept the line's value at x = 0
 * @param slope     its slope; 0 when all x are equal
 * @param spread    Σ (x[i] − mean x)²: 0 when all x are equal, in which case the slope is undetermined and the
 *                  intercept is the mean of y
 */
record LineFit(double intercept, double slope, double spread) {
    static LineFit of(double[] x, double[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need the same positive number of x and y values, got " + x.length
                    + " and " + y.length);
        }
        double meanX = Arrays.stream(x).average().orElseThrow();
        double meanY = Arrays.stream(y).average().orElseThrow();
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            sxx += dx * dx;
            sxy += dx * (y[i] - meanY);
        }
        double slope = sxx > 0 ? sxy / sxx : 0;
        return new LineFit(meanY - slope * meanX, slope, sxx);
    }
}
