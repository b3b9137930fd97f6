package io.lockstep.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/** Formats result rows as text tables: throughput, time per global batch, threads used, ratios. */
final class ReportTable {
    private ReportTable() {}

    static String format(List<BenchRow> rows) {
        Set<Side> sides = present(rows);
        int limit = rows.isEmpty() ? 0 : rows.get(0).parallelLimit();
        return "Examples/s (B / median time; PA: K·B / median time of one fit over K global batches)\n"
                + perSide(rows, sides, (r, s) -> String.format(Locale.ROOT, "%,.0f", s.examplesPerSec()))
                + "\nMilliseconds per global batch (1000·B / examples/s)\n"
                + perSide(rows, sides, (r, s) -> String.format(Locale.ROOT, "%.1f",
                        1000.0 * r.globalBatch() / s.examplesPerSec()))
                + "\nCPU use while measuring: process CPU time / wall time, and busy threads (each with >= 20% of the\n"
                + "busiest thread's CPU time; Java and native threads, JIT and GC threads not counted)\n"
                + perSide(rows, sides, (r, s) -> cpu(s))
                + (sides.contains(Side.LOCKSTEP) && sides.size() > 1
                        ? "\nRatios of examples/s (efficiency = Lockstep / (" + limit + " x DL4J 1t); 2x1t/1t = the measured ceiling;\n"
                                + "Lockstep/2x1t = efficiency against that ceiling; repl/sharded = replicated / sharded data;\n"
                                + "Lockstep/DDP = Lockstep / PyTorch DDP)\n"
                                + ratios(rows)
                        : "");
    }

    private static Set<Side> present(List<BenchRow> rows) {
        Set<Side> s = EnumSet.noneOf(Side.class);
        for (BenchRow r : rows) {
            for (Side side : Side.values()) {
                if (r.side(side) != null) {
                    s.add(side);
                }
            }
        }
        return s;
    }

    private static String perSide(List<BenchRow> rows, Set<Side> sides, BiFunction<BenchRow, SideResult, String> cell) {
        List<String> header = new ArrayList<>(List.of("B"));
        sides.forEach(s -> header.add(s.label()));
        TextTable t = new TextTable(header);
        for (BenchRow r : rows) {
            List<String> cells = new ArrayList<>(List.of(String.valueOf(r.globalBatch())));
            for (Side s : sides) {
                SideResult x = r.side(s);
                cells.add(x == null ? "-" : cell.apply(r, x));
            }
            t.row(cells);
        }
        return t.toString();
    }

    private static String ratios(List<BenchRow> rows) {
        TextTable t = new TextTable(List.of("B", "Lockstep/DL4J 1t", "efficiency", "Lockstep/DL4J 2t",
                "DL4J 2t/1t", "Lockstep/PA f=1", "Lockstep/PA f=5", "2x1t/1t", "Lockstep/2x1t", "repl/sharded", "Lockstep/DDP"));
        for (BenchRow r : rows) {
            BenchRow.Ratios q = r.ratios();
            t.row(List.of(String.valueOf(r.globalBatch()), x(q.lockstepOverDl4j1t()), pct(q.efficiency()),
                    x(q.lockstepOverDl4j2t()), x(q.dl4j2tOverDl4j1t()), x(q.lockstepOverPaF1()),
                    x(q.lockstepOverPaF5()), x(q.pairOverDl4j1t()), pct(q.lockstepOverPair()),
                    x(q.replicatedOverSharded()), x(q.lockstepOverDdp())));
        }
        return t.toString();
    }

    private static String cpu(SideResult s) {
        String ratio = Double.isNaN(s.cpuPerWall()) ? "n/a" : String.format(Locale.ROOT, "%.2f", s.cpuPerWall());
        return ratio + " / " + (s.busyThreads() < 0 ? "n/a" : s.busyThreads() + " thr");
    }

    private static String x(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }
}
