package io.lockstep.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Chooses the {@link StepsModel} from what is known, in this order:
 * <ol>
 *   <li>S_min and B_crit given: used as they are;</li>
 *   <li>runs that reached a target (a {@code target_reached} line, or {@code targetSteps} for the first run)
 *       at two or more distinct B, and no B_crit given: S(B) fitted to them ({@link StepsModel#fit});</li>
 *   <li>one such run: the curve through it, with B_crit given or else B_crit ≈ B_simple (McCandlish et al.:
 *       the simple noise scale approximates the critical batch, to an order of magnitude) from that run, or
 *       failing that from the first run that recorded one;</li>
 *   <li>no run reached a target: no steps model, but a {@link NoiseScale} when B_crit is given or a run recorded
 *       B_simple (the first such run), so that grid points are ranked by time to a fixed target up to its unknown
 *       S_min;</li>
 *   <li>otherwise neither: only step time and throughput can be predicted.</li>
 * </ol>
 */
public final class StepsSource {
    private StepsSource() {
    }

    /**
     * The steps model, or none, and why.
     *
     * @param model       the chosen model, null when steps to target cannot be predicted
     * @param noise       without a model, the noise scale to rank by (null when there is none, and with a model)
     * @param explanation one or two sentences for the user
     */
    public record Choice(StepsModel model, NoiseScale noise, String explanation) {
        /** A choice with a steps model, or with neither a model nor a noise scale. */
        public Choice(StepsModel model, String explanation) {
            this(model, null, explanation);
        }
    }

    /**
     * @param runs        the measured runs (first = reference run)
     * @param targetSteps steps the first run needed to reach the target, overriding its {@code target_reached}
     * @param sMin        given S_min (requires {@code bCrit})
     * @param bCrit       given B_crit
     */
    public static Choice resolve(List<MeasuredRun> runs, OptionalLong targetSteps, OptionalDouble sMin,
                                 OptionalDouble bCrit) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("need at least one measured run");
        }
        if (sMin.isPresent()) {
            if (bCrit.isEmpty()) {
                throw new IllegalArgumentException("S_min given without B_crit: give both, or B_crit with a target");
            }
            StepsModel m = new StepsModel(sMin.getAsDouble(), bCrit.getAsDouble(), "given S_min and B_crit");
            return new Choice(m, describe(m));
        }
        List<MeasuredRun> reached = reached(runs, targetSteps);
        if (reached.isEmpty()) {
            return withoutTarget(runs, bCrit);
        }
        if (bCrit.isEmpty() && reached.stream().mapToInt(MeasuredRun::globalBatch).distinct().count() >= 2) {
            try {
                StepsModel m = StepsModel.fit(reached.stream().mapToDouble(MeasuredRun::globalBatch).toArray(),
                        reached.stream().mapToDouble(r -> r.stepsToTarget().getAsLong()).toArray());
                return new Choice(m, describe(m));
            } catch (IllegalArgumentException e) {
                return throughOne(reached.get(0), runs, bCrit, "fit to the runs failed (" + e.getMessage() + "); ");
            }
        }
        return throughOne(reached.get(0), runs, bCrit, "");
    }

    private static List<MeasuredRun> reached(List<MeasuredRun> runs, OptionalLong targetSteps) {
        List<MeasuredRun> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            MeasuredRun r = i == 0 && targetSteps.isPresent() ? runs.get(0).withStepsToTarget(targetSteps.getAsLong())
                    : runs.get(i);
            if (r.stepsToTarget().isPresent()) {
                out.add(r);
            }
        }
        return out;
    }

    private static Choice throughOne(MeasuredRun run, List<MeasuredRun> runs, OptionalDouble bCrit, String prefix) {
        long steps = run.stepsToTarget().getAsLong();
        String basis = run.name() + " reached the target in " + steps + " steps at B=" + run.globalBatch();
        if (bCrit.isPresent()) {
            StepsModel m = StepsModel.throughMeasurement(run.globalBatch(), steps, bCrit.getAsDouble(),
                    basis + ", B_crit given");
            return new Choice(m, prefix + describe(m));
        }
        MeasuredRun withNoise = run.bSimple() > 0 ? run
                : runs.stream().filter(r -> r.bSimple() > 0).findFirst().orElse(null);
        if (withNoise == null) {
            return new Choice(null, prefix + basis + ", but B_crit is unknown (no run recorded b_simple: that needs P >= 2"
                    + " or --micro-batch): predicting step time and throughput only (give --b-crit X)");
        }
        StepsModel m = StepsModel.throughMeasurement(run.globalBatch(), steps, withNoise.bSimple(),
                String.format(Locale.ROOT, "%s, B_crit ~ B_simple = %.0f of %s (McCandlish: same order of magnitude)",
                        basis, withNoise.bSimple(), withNoise.name()));
        return new Choice(m, prefix + describe(m));
    }

    /** No target: rank by the given B_crit or the first recorded B_simple, or say why neither is there. */
    private static Choice withoutTarget(List<MeasuredRun> runs, OptionalDouble bCrit) {
        String noTarget = "no run reached a target and no steps to target were given";
        NoiseScale noise = bCrit.isPresent() ? new NoiseScale(bCrit.getAsDouble(), "the B_crit given (--b-crit)")
                : runs.stream().filter(r -> r.bSimple() > 0).findFirst().map(StepsSource::noiseOf).orElse(null);
        if (noise == null) {
            String why = runs.stream().anyMatch(r -> r.bSimpleTail().count() > 0)
                    ? "the runs' B_simple is not positive near their end" : "no run recorded b_simple (that needs P >= 2"
                    + " or --micro-batch)";
            return new Choice(null, noTarget + ", and " + why + ": B_simple is not used; predicting step time and"
                    + " throughput only, which takes every example as equally useful and so favours batches above the"
                    + " critical batch (give --target-steps S, or --b-crit X)");
        }
        return new Choice(null, noise, String.format(Locale.ROOT, "%s: B_noise = %.0f, %s;\n  ranking by time to a"
                + " fixed target up to its unknown S_min, with S = S_min*(1 + B_noise/B) and E = E_min*(1 + B/B_noise):"
                + " far above B_noise a batch barely saves steps and multiplies the examples", noTarget,
                noise.bNoise(), noise.source()));
    }

    /** The noise scale of a run's B_simple, with the window it was averaged over. */
    private static NoiseScale noiseOf(MeasuredRun run) {
        MeasuredRun.NoiseTail t = run.bSimpleTail();
        return new NoiseScale(t.mean(), String.format(Locale.ROOT, "the B_simple of %s (mean of its %d values over"
                + " steps %d-%d, range %.0f-%.0f)", run.name(), t.count(), t.firstStep(), t.lastStep(), t.min(),
                t.max()));
    }

    private static String describe(StepsModel m) {
        return String.format(Locale.ROOT, "steps to target S(B) = %.1f * (1 + %.0f/B): %s", m.sMin(), m.bCrit(), m.source());
    }
}
