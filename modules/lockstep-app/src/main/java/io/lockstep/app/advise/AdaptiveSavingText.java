package io.lockstep.app.advise;

import io.lockstep.perf.StepTimeModel;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The console text of an {@link AdaptiveSaving}: totals, B* at {@value #ROWS} points and the assumptions. */
final class AdaptiveSavingText {
    /** Steps shown in the table of B* over the run. */
    static final int ROWS = 10;

    private AdaptiveSavingText() {
    }

    /** @param shared the model fitted to all runs, printed above: not repeated when the run's own fit is the same */
    static String of(AdaptiveSaving a, StepTimeModel shared) {
        StringBuilder sb = new StringBuilder();
        if (a.estimated() == 0) {
            line(sb, "%n%s: no gradient noise estimates in metrics.jsonl (every step had a single part, one ghost or"
                    + " micro-batch, so no variance could be estimated): no adaptive-batching prediction", a.run());
            return sb.toString();
        }
        AdaptiveSaving.BatchRange r = a.range();
        line(sb, "%nadaptive batch in hindsight (a model prediction, not a measurement): %s", a.run());
        line(sb, "  %s; B* = the goodput-optimal batch of %s at each step", r.origin(),
                AdaptiveSaving.candidatesOf(r).stream().map(String::valueOf).collect(Collectors.joining(", ")));
        line(sb, "  sigma^2, mu^2: %s", a.noise().source());
        if (a.model().equals(shared)) {
            line(sb, "  T(B): the step-time model above");
        } else {
            line(sb, "  T(B): the advisor's step-time model fitted to this run's own steps (one fit per batch size):");
            a.model().notes().forEach(n -> line(sb, "    %s", n));
        }
        line(sb, "  progress: %.1f base-batch iterations (sum of r(B_run)) over %d steps%s", a.progress(),
                a.steps().size(), a.estimated() < a.steps().size() ? String.format(Locale.ROOT,
                        " (%d steps without an estimate count as unchanged)", a.steps().size() - a.estimated()) : "");
        line(sb, "  time: measured %s (sum of step_ms), model %s (sum of T(B_run)), adaptive %s"
                + " (sum of p_t*T(B*_t)/r(B*_t))", AdviceTable.duration(a.measuredSeconds()),
                AdviceTable.duration(a.modelSeconds()), AdviceTable.duration(a.adaptiveSeconds()));
        line(sb, "  saving: %.1f s = %.1f%% of the model time (%.1f s of the measured time at that ratio)",
                a.savingSeconds(), 100 * a.savingFraction(), a.savingFraction() * a.measuredSeconds());
        table(sb, a);
        line(sb, "  assumptions: a step of B makes r(B) = (sigma^2 + mu^2)/(sigma^2/S + mu^2) base-batch iterations of"
                + " progress (AdaScale, S = B/b0),");
        line(sb, "  with the noise the run measured at that step whatever the batch history; T(B) is extrapolated"
                + " to batches no fitted run used.");
        return sb.toString();
    }

    private static void table(StringBuilder sb, AdaptiveSaving a) {
        line(sb, "  %7s %7s %9s %9s %7s %7s %11s %9s", "step", "B run", "B_simple", "r(B run)", "B*", "E(B*)",
                "T(B run) ms", "T(B*) ms");
        for (int i : rows(a.steps().size())) {
            AdaptiveSaving.Step s = a.steps().get(i);
            if (s.best() == null) {
                line(sb, "  %7d %7d %9s %9s %7s %7s %11.1f %9s", s.step(), s.batch(), "-", "-", "-", "-",
                        s.runMillis(), "-");
            } else {
                line(sb, "  %7d %7d %9.0f %9.2f %7d %7.3f %11.1f %9.1f", s.step(), s.batch(), s.bSimple(),
                        s.progress(), s.best().batch(), s.best().efficiency(), s.runMillis(), s.best().stepMillis());
            }
        }
    }

    /** {@value #ROWS} evenly spaced step positions, first and last included (all when there are fewer). */
    static List<Integer> rows(int n) {
        return IntStream.range(0, Math.min(ROWS, n)).map(k -> n <= ROWS ? k
                : (int) Math.round(k * (n - 1) / (double) (ROWS - 1))).boxed().toList();
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
