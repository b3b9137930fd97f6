package io.lockstep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link BenchReport} to {@code FILE.json} (everything, nested) or {@code FILE.csv} (one row per
 * batch size, one column group per side, then the ratios and Lockstep's breakdown), through a
 * temporary file and a rename so a partial file is never left behind.
 */
final class ResultFiles {
    private ResultFiles() {}

    /** Whether {@code file}'s name says which format to write. */
    static boolean supported(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".json") || n.endsWith(".csv");
    }

    static void write(BenchReport report, Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        writeAtomically(file, n.endsWith(".csv") ? csv(report.rows()) : json(report));
    }

    /** {@code value} as indented JSON with a final newline. */
    static String json(Object value) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value) + "\n";
    }

    /** Writes {@code text} to {@code file} through a temporary file in the same folder and a rename. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".bench-", ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String csv(List<BenchRow> rows) {
        List<String> header = new ArrayList<>(List.of("global_batch", "workers", "parallel_limit"));
        for (Side s : Side.values()) {
            for (String f : List.of("median_ms", "min_ms", "max_ms", "examples_per_sec", "iterations",
                    "examples_per_iteration", "cpu_per_wall", "busy_threads", "final_loss")) {
                header.add(s.column() + "_" + f);
            }
        }
        header.addAll(List.of("lockstep_over_dl4j_1t", "efficiency", "lockstep_over_dl4j_2t", "dl4j_2t_over_dl4j_1t",
                "lockstep_over_pa_f1", "lockstep_over_pa_f5", "pair_over_dl4j_1t", "lockstep_over_pair",
                "replicated_over_sharded", "lockstep_over_pytorch_ddp", "broadcast_ms", "job_ms", "slowest_task_ms",
                "aggregate_ms", "update_ms", "overhead_ms", "ddp_single_half_median_ms", "ddp_no_sync_median_ms",
                "ddp_overhead_ms", "ddp_overhead_vs_no_sync_ms"));
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (BenchRow r : rows) {
            List<String> cells = new ArrayList<>(List.of(String.valueOf(r.globalBatch()), String.valueOf(r.workers()),
                    String.valueOf(r.parallelLimit())));
            for (Side s : Side.values()) {
                SideResult x = r.side(s);
                if (x == null) {
                    cells.addAll(List.of("", "", "", "", "", "", "", "", ""));
                } else {
                    cells.addAll(List.of(num(x.medianMs()), num(x.minMs()), num(x.maxMs()), num(x.examplesPerSec()),
                            String.valueOf(x.iterations()), String.valueOf(x.examplesPerIteration()),
                            num(x.cpuPerWall()), x.busyThreads() < 0 ? "" : String.valueOf(x.busyThreads()),
                            num(x.finalLoss())));
                }
            }
            BenchRow.Ratios q = r.ratios();
            cells.addAll(List.of(num(q.lockstepOverDl4j1t()), num(q.efficiency()), num(q.lockstepOverDl4j2t()),
                    num(q.dl4j2tOverDl4j1t()), num(q.lockstepOverPaF1()), num(q.lockstepOverPaF5()),
                    num(q.pairOverDl4j1t()), num(q.lockstepOverPair()), num(q.replicatedOverSharded()),
                    num(q.lockstepOverDdp())));
            Breakdown b = r.breakdown();
            if (b == null) {
                cells.addAll(List.of("", "", "", "", "", ""));
            } else {
                cells.addAll(List.of(num(b.broadcast()), num(b.job()), num(b.slowestTask()), num(b.aggregate()),
                        num(b.update()), num(b.overhead())));
            }
            DdpResult d = r.ddp();
            if (d == null) {
                cells.addAll(List.of("", "", "", ""));
            } else {
                cells.addAll(List.of(num(d.singleHalf().medianMs()), num(d.pair().medianMs()), num(d.overheadMs()),
                        num(d.overheadVsPairMs())));
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }

    /** A number as CSV text: empty for null or NaN, else rounded to 6 significant digits. */
    private static String num(Double v) {
        if (v == null || v.isNaN()) {
            return "";
        }
        if (v.isInfinite()) {
            return String.valueOf(v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
