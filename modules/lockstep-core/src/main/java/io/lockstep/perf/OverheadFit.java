package io.lockstep.perf;

import java.util.List;
import java.util.Locale;

/**
 * The fixed cost o and the per-parameter, per-executor cost k of {@link StepTimeModel}, from the time each run
 * spends outside compute and the (fitted) update, r = step − compute − u·params, against x = params·P:
 * <ul>
 *   <li>runs at two or more distinct P: least squares r = o + k·x; a slope ≤ 0 (r did not grow with P) gives
 *       k = 0 and o = mean r; a negative intercept gives o = 0 and k fitted through the origin;</li>
 *   <li>runs at one P: o and k·params·P cannot be told apart; all of r is taken as fixed (k = 0), so predictions
 *       for other P ignore any growth of communication with P.</li>
 * </ul>
 *
 * @param fixedMillis    o
 * @param perParamWorker k
 * @param fitted         true when k was fitted across P
 * @param note           which case applied, for the user
 */
record OverheadFit(double fixedMillis, double perParamWorker, boolean fitted, String note) {
    static OverheadFit of(List<RunSummary> runs, long params, double updateMillis) {
        double[] rest = runs.stream().mapToDouble(s -> Math.max(0, s.stepMillis() - s.computeMillis() - updateMillis))
                .toArray();
        double meanR = java.util.Arrays.stream(rest).average().orElseThrow();
        long distinctP = runs.stream().mapToInt(r -> r.run().workers()).distinct().count();
        if (distinctP < 2) {
            return new OverheadFit(meanR, 0, false, String.format(Locale.ROOT, "o = %.3g ms, k = 0: all runs have"
                    + " P = %d, so the time outside compute and update is assumed fixed; give runs with another P to"
                    + " fit its growth with P", meanR, runs.get(0).run().workers()));
        }
        LineFit line = LineFit.of(runs.stream().mapToDouble(r -> x(r, params)).toArray(), rest);
        double k = line.slope();
        double o = line.intercept();
        if (!(k > 0)) {
            return new OverheadFit(meanR, 0, true, String.format(Locale.ROOT, "o = %.3g ms, k = 0: the time outside"
                    + " compute and update did not grow with P in these runs (slope %.3g ms per executor)", meanR,
                    k * params));
        }
        if (o < 0) {
            double sxr = 0;
            double sxx0 = 0;
            for (int i = 0; i < rest.length; i++) {
                double x = x(runs.get(i), params);
                sxr += x * rest[i];
                sxx0 += x * x;
            }
            double kOrigin = sxr / sxx0;
            return new OverheadFit(0, kOrigin, true, String.format(Locale.ROOT, "o = 0, k = %.3g ms/param/executor"
                    + " (%.3g ms per executor): the least-squares intercept was negative, fitted through the origin",
                    kOrigin, kOrigin * params));
        }
        return new OverheadFit(o, k, true, String.format(Locale.ROOT, "o = %.3g ms, k = %.3g ms/param/executor"
                + " (%.3g ms per executor): least squares of step - compute - update on params*P over %d runs", o, k,
                k * params, runs.size()));
    }

    private static double x(RunSummary r, long params) {
        return (double) params * r.run().workers();
    }
}
