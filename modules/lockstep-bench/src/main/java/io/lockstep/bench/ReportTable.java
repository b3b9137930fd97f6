package io.lockstep.bench;

import java.util.List;
import java.util.Locale;

/** Formats result rows as a fixed-width text table. */
final class ReportTable {
    private static final String ROW = "%7s  %14s  %14s  %12s  %12s  %13s  %10s%n";

    private ReportTable() {}

    static String format(List<BenchRow> rows) {
        int limit = rows.isEmpty() ? 0 : rows.get(0).parallelLimit();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, ROW, "B", "Lockstep ms/st", "(a) Lockstep/s", "DL4J ms/fit",
                "(b) DL4J/s", "(a)/(b)", "eff. " + limit + "x"));
        sb.append(String.format(Locale.ROOT, ROW, "-".repeat(7), "-".repeat(14), "-".repeat(14), "-".repeat(12),
                "-".repeat(12), "-".repeat(13), "-".repeat(10)));
        for (BenchRow r : rows) {
            sb.append(String.format(Locale.ROOT, ROW, r.globalBatch(),
                    ms(r.lockstepMedianStepMs()), rate(r.lockstepExamplesPerSec()),
                    ms(r.dl4jMedianFitMs()), rate(r.dl4jExamplesPerSec()),
                    String.format(Locale.ROOT, "%.2f", r.ratio()),
                    String.format(Locale.ROOT, "%.0f%%", 100 * r.efficiency())));
        }
        sb.append("examples/s = B / median time; ms = median over the measured steps; eff. = (a) / (")
                .append(limit).append(" x (b))").append(System.lineSeparator());
        return sb.toString();
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String rate(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
