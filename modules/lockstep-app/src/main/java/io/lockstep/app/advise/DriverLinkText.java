package io.lockstep.app.advise;

import io.lockstep.perf.DriverLink;
import io.lockstep.perf.StepTimeModel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** The advisor's driver link lines: the floor, where the link becomes the bottleneck per B, and what would move it. */
final class DriverLinkText {
    static final String DESIGN = "would move it (design notes, not built): per-executor pre-aggregation when an executor"
            + " runs several tasks (the driver receives executors*params*4 bytes instead of tasks*params*4); a"
            + " fixed-order tree of executor pre-aggregation (depth log_f P, the driver receives f*params*4 bytes),"
            + " which adds the partials in another order than today's partition-order merge, so its float sums are not"
            + " bit-equal to it unless the local reference sums in the same tree";

    private DriverLinkText() {
    }

    static String of(DriverLink link, StepTimeModel model, int[] batches) {
        StringBuilder sb = new StringBuilder();
        line(sb, "%ndriver link (an assumption, not measured: L = %s Gb/s, --driver-link-gbps): per step the driver"
                + " receives P*params*4 bytes of partials and sends P*params*4 bytes of parameters, so a step takes at least"
                + " 2*P*params*4*8/L = %.3g ms * P for params = %,d (column \"link ms\"; step ms is at least it; over the job"
                + " transport Spark's torrent broadcast may send less)", number(link.gigabitsPerSecond()),
                link.millis(1, model.params()), model.params());
        StringBuilder bound = new StringBuilder("  the link exceeds the compute a_P + c_P*ceil(B/P) (it is the"
                + " bottleneck, marked \"link-bound\") once P*params > compute*L/64:");
        for (int b : batches) {
            OptionalInt p = link.firstBoundWorkers(model, b);
            bound.append(String.format(Locale.ROOT, " B=%d %s;", b, p.isEmpty() ? "never for P <= B"
                    : String.format(Locale.ROOT, "from P=%d (P*params = %.3g)", p.getAsInt(),
                            (double) p.getAsInt() * model.params())));
        }
        line(sb, "%s", bound.substring(0, bound.length() - 1));
        line(sb, "  %s", DESIGN);
        return sb.toString();
    }

    static Map<String, Object> json(DriverLink link, StepTimeModel model, int[] batches) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gbps", link.gigabitsPerSecond());
        m.put("assumed", true);
        m.put("bytes_per_step", "2*P*params*4");
        m.put("ms_per_worker", link.millis(1, model.params()));
        Map<String, Object> from = new LinkedHashMap<>();
        for (int b : batches) {
            OptionalInt p = link.firstBoundWorkers(model, b);
            from.put(String.valueOf(b), p.isEmpty() ? null : p.getAsInt());
        }
        m.put("link_bound_from_workers", from);
        m.put("design_notes", DESIGN);
        return m;
    }

    private static String number(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
