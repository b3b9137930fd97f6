package io.lockstep.app.advise;

import io.lockstep.perf.Prediction;
import io.lockstep.perf.PredictionCheck;
import io.lockstep.perf.ScalingAdvice;
import java.util.List;
import java.util.Locale;

/** Fixed-width console tables of the predictions and of the validation. */
final class AdviceTable {
    private AdviceTable() {
    }

    static String of(ScalingAdvice advice) {
        StringBuilder sb = new StringBuilder("\n");
        boolean target = advice.toTarget();
        boolean noise = advice.noise() != null;
        sb.append(String.format(Locale.ROOT, "%4s %7s %9s %8s %11s %6s", "P", "B", "step ms", "link ms", "examples/s",
                "eff."));
        if (target) {
            sb.append(String.format(Locale.ROOT, " %8s %11s %10s %12s", "steps", "examples", "wall", "executor-s"));
        } else if (noise) {
            sb.append(String.format(Locale.ROOT, " %8s %8s %9s %9s", "S/S_min", "E/E_min", "rel.wall", "rel.cost"));
        }
        sb.append('\n');
        for (Prediction p : advice.predictions()) {
            sb.append(String.format(Locale.ROOT, "%4d %7d %9.1f %8.2f %11.0f %6.2f", p.workers(), p.globalBatch(),
                    p.stepMillis(), p.linkMillis(), p.examplesPerSecond(), p.efficiency()));
            if (target) {
                sb.append(String.format(Locale.ROOT, " %8.0f %11.3g %10s %12.0f", p.steps(), p.examples(),
                        duration(p.wallSeconds()), p.executorSeconds()));
            } else if (noise) {
                sb.append(String.format(Locale.ROOT, " %8.2f %8.2f %9.2f %9.2f",
                        advice.noise().stepsFactor(p.globalBatch()), advice.noise().examplesFactor(p.globalBatch()),
                        advice.wallMillisPerSMin(p) / advice.wallMillisPerSMin(advice.fastest()),
                        advice.executorMillisPerSMin(p) / advice.executorMillisPerSMin(advice.cheapest())));
            }
            sb.append(marks(advice, p)).append(p.linkBound() ? "  link-bound" : "").append('\n');
        }
        sb.append(noise ? recommendation(advice) : String.format(Locale.ROOT, "fastest: P=%d B=%d; cheapest: P=%d B=%d"
                + " (%s)%n", advice.fastest().workers(), advice.fastest().globalBatch(), advice.cheapest().workers(),
                advice.cheapest().globalBatch(), target ? "least wall time / fewest executor-seconds to the target"
                        : "highest examples/s / fewest executor-ms per example; without steps to target or a noise"
                        + " scale this assumes every example is equally useful, which larger batches break above"
                        + " B_crit"));
        return sb.toString();
    }

    /** The fastest and cheapest points when ranked by the noise scale, with the examples each needs. */
    private static String recommendation(ScalingAdvice a) {
        double bNoise = a.noise().bNoise();
        return String.format(Locale.ROOT, "fastest: P=%d B=%d (%.2fx the minimal examples); cheapest: P=%d B=%d"
                + " (%.2fx) (least wall time T*(1 + B_noise/B) / fewest executor-seconds to a fixed target,"
                + " B_noise = %.0f)%n",
                a.fastest().workers(), a.fastest().globalBatch(), a.noise().examplesFactor(a.fastest().globalBatch()),
                a.cheapest().workers(), a.cheapest().globalBatch(),
                a.noise().examplesFactor(a.cheapest().globalBatch()), bNoise);
    }

    static String of(List<PredictionCheck> checks, String statistic) {
        boolean steps = checks.stream().anyMatch(c -> Double.isFinite(c.stepsError()));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "%nvalidation: predicted vs measured %s step time%s%n%-40s %6s %3s %12s %13s %8s", statistic,
                steps ? " and steps to target" : "", "run", "B", "P", "measured ms", "predicted ms", "error"));
        sb.append(steps ? String.format(Locale.ROOT, " %6s %6s %8s%n", "steps", "pred.", "error") : "\n");
        for (PredictionCheck c : checks) {
            sb.append(String.format(Locale.ROOT, "%-40s %6d %3d %12.1f %13.1f %+7.1f%%", c.run().run().name(),
                    c.run().run().globalBatch(), c.run().run().workers(), c.measuredMillis(), c.predictedMillis(),
                    100 * c.relativeError()));
            if (steps) {
                sb.append(Double.isFinite(c.stepsError()) ? String.format(Locale.ROOT, " %6.0f %6.0f %+7.1f%%",
                        c.measuredSteps(), c.predictedSteps(), 100 * c.stepsError()) : String.format("%22s", ""));
            }
            sb.append(c.fitted() ? "  (fitted)" : "").append('\n');
        }
        long heldOut = PredictionCheck.heldOut(checks);
        sb.append(heldOut == 0 ? String.format(Locale.ROOT, "every run checked was fitted: no held-out error%n")
                : String.format(Locale.ROOT, "mean |error| of the step time %.1f%% over %d held-out runs%n",
                        100 * PredictionCheck.meanAbsoluteError(checks), heldOut));
        return sb.toString();
    }

    private static String marks(ScalingAdvice a, Prediction p) {
        boolean fastest = p == a.fastest();
        boolean cheapest = p == a.cheapest();
        return fastest && cheapest ? "  <- fastest, cheapest" : fastest ? "  <- fastest" : cheapest ? "  <- cheapest" : "";
    }

    /** Seconds as "12.3 s", "4.5 min" or "1.2 h". */
    static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        return seconds < 7200 ? String.format(Locale.ROOT, "%.1f min", seconds / 60)
                : String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
