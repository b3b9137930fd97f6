package io.lockstep.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Predictions over a grid of executor counts and global batches, with the fastest and the cheapest point.
 * With a steps model the fastest point has the least wall time to the target and the cheapest the fewest
 * executor-seconds to it. Without one but with a {@link NoiseScale}, the same holds up to the unknown S_min: the
 * fastest point has the least T(B, P)·(1 + B_noise/B), the goodput optimum (for T = t0 + c·B/P near
 * B = sqrt(t0·P·B_noise/c), so above B_noise only as far as fixed per-step costs outweigh compute), the cheapest the
 * least P·T·(1 + B_noise/B). With neither, every example is taken as equally useful (true only well below B_crit):
 * the fastest point has the highest examples/s and the cheapest the fewest executor-ms per example.
 *
 * @param predictions one per grid point with B >= P, in grid order (P outer, B inner)
 * @param fastest     the point with the least wall time to target (or the highest throughput)
 * @param cheapest    the point with the fewest executor-seconds to target (or per example)
 * @param toTarget    true when steps to target were predicted
 * @param noise       the noise scale the points were ranked by (null with a steps model or without a noise scale)
 */
public record ScalingAdvice(List<Prediction> predictions, Prediction fastest, Prediction cheapest, boolean toTarget,
                            NoiseScale noise) {
    public ScalingAdvice {
        predictions = List.copyOf(predictions);
    }

    /** Predicts every (P, B) of the grid with B >= P, without a noise scale (see the 5-argument form). */
    public static ScalingAdvice of(StepTimeModel time, StepsModel steps, int[] workers, int[] batches) {
        return of(time, steps, null, workers, batches);
    }

    /** Predicts every (P, B) of the grid with B >= P, without a driver link floor (see the 6-argument form). */
    public static ScalingAdvice of(StepTimeModel time, StepsModel steps, NoiseScale noise, int[] workers,
                                   int[] batches) {
        return of(time, steps, noise, null, workers, batches);
    }

    /**
     * Predicts every (P, B) of the grid with B >= P.
     *
     * @param steps null when steps to target are unknown
     * @param noise used to rank only when {@code steps} is null; may be null
     * @param link  the driver's link, whose time is a floor under every step time; null: not modelled
     */
    public static ScalingAdvice of(StepTimeModel time, StepsModel steps, NoiseScale noise, DriverLink link,
                                   int[] workers, int[] batches) {
        requirePositive("executor counts", workers);
        requirePositive("global batches", batches);
        List<Prediction> out = new ArrayList<>();
        for (int p : workers) {
            for (int b : batches) {
                if (b >= p) {
                    out.add(predict(time, steps, link, p, b));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no grid point has global batch B >= executors P (batches "
                    + Arrays.toString(batches) + ", executors " + Arrays.toString(workers) + ")");
        }
        boolean toTarget = steps != null;
        NoiseScale by = toTarget ? null : noise;
        Comparator<Prediction> speed = toTarget ? Comparator.comparingDouble(Prediction::wallSeconds)
                : by != null ? Comparator.comparingDouble((Prediction x) -> wallMillisPerSMin(by, x))
                : Comparator.comparingDouble((Prediction x) -> -x.examplesPerSecond());
        Comparator<Prediction> cost = toTarget ? Comparator.comparingDouble(Prediction::executorSeconds)
                : by != null ? Comparator.comparingDouble((Prediction x) -> x.workers() * wallMillisPerSMin(by, x))
                : Comparator.comparingDouble(Prediction::executorMillisPerExample);
        return new ScalingAdvice(out, out.stream().min(speed).orElseThrow(), out.stream().min(cost).orElseThrow(),
                toTarget, by);
    }

    /** T(B, P)·S(B)/S_min in ms: wall time to the target per S_min steps; NaN without a noise scale. */
    public double wallMillisPerSMin(Prediction p) {
        return noise == null ? Double.NaN : wallMillisPerSMin(noise, p);
    }

    /** P·T(B, P)·S(B)/S_min in ms: executor time to the target per S_min steps; NaN without a noise scale. */
    public double executorMillisPerSMin(Prediction p) {
        return p.workers() * wallMillisPerSMin(p);
    }

    private static double wallMillisPerSMin(NoiseScale noise, Prediction p) {
        return p.stepMillis() * noise.stepsFactor(p.globalBatch());
    }

    /** The prediction for one point, without a driver link floor. */
    public static Prediction predict(StepTimeModel time, StepsModel steps, int workers, int globalBatch) {
        return predict(time, steps, null, workers, globalBatch);
    }

    /** The prediction for one point; {@code link} may be null (no floor). */
    public static Prediction predict(StepTimeModel time, StepsModel steps, DriverLink link, int workers,
                                     int globalBatch) {
        StepTimeModel.StepTime t = time.predict(globalBatch, workers);
        double linkMillis = link == null ? 0 : link.millis(workers, time.params());
        double one = Math.max(time.predict(globalBatch, 1).totalMillis(), link == null ? 0 : link.millis(1, time.params()));
        return new Prediction(workers, globalBatch, t, one / (workers * Math.max(t.totalMillis(), linkMillis)),
                steps == null ? Double.NaN : steps.steps(globalBatch), linkMillis);
    }

    private static void requirePositive(String what, int[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("no " + what + " to predict for");
        }
        for (int v : values) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + v);
            }
        }
    }
}
