package io.lockstep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The throughput targets, evaluated on the rows of a run where the needed sides were measured. */
final class Targets {
    /** Minimum efficiency (Lockstep ÷ (P × single-thread DL4J)) by global batch size. */
    static final Map<Integer, Double> EFFICIENCY = Map.of(4096, 0.90, 1024, 0.65, 256, 0.40);
    /** Maximum median fixed per-step overhead, ms. */
    static final double MAX_OVERHEAD_MS = 7;
    /** Minimum Lockstep ÷ PA (averaging frequency 1) at {@link #PA_BATCH}. */
    static final double MIN_OVER_PA = 15;
    static final int PA_BATCH = 1024;

    private Targets() {}

    static List<Target> evaluate(List<BenchRow> rows) {
        List<Target> out = new ArrayList<>();
        for (BenchRow r : rows) {
            Double min = EFFICIENCY.get(r.globalBatch());
            if (min != null && r.ratios().efficiency() != null) {
                out.add(Target.atLeast("efficiency at B=" + r.globalBatch(), min, r.ratios().efficiency()));
            }
        }
        for (BenchRow r : rows) {
            if (r.breakdown() != null) {
                out.add(Target.atMost("median fixed overhead per step at B=" + r.globalBatch(), MAX_OVERHEAD_MS,
                        " ms", r.breakdown().overhead()));
            }
        }
        for (BenchRow r : rows) {
            if (r.globalBatch() == PA_BATCH && r.ratios().lockstepOverPaF1() != null) {
                out.add(Target.atLeast("Lockstep / PA f=1 at B=" + PA_BATCH, MIN_OVER_PA, r.ratios().lockstepOverPaF1()));
            }
        }
        return out;
    }

    static String format(List<Target> targets) {
        StringBuilder sb = new StringBuilder("Targets (reported, not asserted)\n");
        for (Target t : targets) {
            sb.append(String.format(Locale.ROOT, "  %-44s %-9s measured %8.2f  %s%n", t.name(), t.goal(),
                    t.measured(), t.met() ? "met" : "NOT met"));
        }
        sb.append("  cluster speed-up 2 vs 1 worker at B=4096 ≥ 1.6: scripts/bench-cluster.sh\n");
        sb.append("  peak executor memory at B=65,536 with micro-batches ≤ 2 GiB: scripts/measure-memory.sh\n");
        return sb.toString();
    }
}
