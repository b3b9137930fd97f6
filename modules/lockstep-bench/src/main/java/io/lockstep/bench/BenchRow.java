package io.lockstep.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All results for one global batch size B; also the JSON shape of a row.
 *
 * @param globalBatch   B
 * @param workers       P: Lockstep's partitions (tasks per step) and PA's workers
 * @param parallelLimit min(P, Spark's default parallelism): the ideal speed-up over one single-threaded process
 * @param sides         results by side key ({@link Side#key()}), in {@link Side} order; absent sides were not run
 * @param ratios        the ratios derived from {@code sides}
 * @param breakdown     Lockstep's median per-phase step times (null if Lockstep was not run)
 * @param ddp           everything the PyTorch DDP side measured (null if it was not run)
 */
record BenchRow(int globalBatch, int workers, int parallelLimit, Map<String, SideResult> sides, Ratios ratios,
                Breakdown breakdown, DdpResult ddp) {

    BenchRow {
        sides = Collections.unmodifiableMap(new LinkedHashMap<>(sides));
    }

    static BenchRow of(int batch, int workers, int parallelLimit, Map<Side, SideResult> results, Breakdown breakdown) {
        return of(batch, workers, parallelLimit, results, breakdown, null);
    }

    static BenchRow of(int batch, int workers, int parallelLimit, Map<Side, SideResult> results, Breakdown breakdown,
                       DdpResult ddp) {
        Map<String, SideResult> byKey = new LinkedHashMap<>();
        for (Side s : Side.values()) {
            if (results.containsKey(s)) {
                byKey.put(s.key(), results.get(s));
            }
        }
        return new BenchRow(batch, workers, parallelLimit, byKey, Ratios.of(results, parallelLimit), breakdown, ddp);
    }

    /** The result of {@code side}, or null if it was not run. */
    SideResult side(Side side) {
        return sides.get(side.key());
    }

    /**
     * Throughput ratios; null where a side is missing.
     *
     * @param lockstepOverDl4j1t  Lockstep / DL4J with one BLAS thread
     * @param efficiency          Lockstep / (parallelLimit × DL4J with one BLAS thread)
     * @param lockstepOverDl4j2t  Lockstep / DL4J with two BLAS threads
     * @param dl4j2tOverDl4j1t    what the second BLAS thread buys single-process DL4J
     * @param lockstepOverPaF1    Lockstep / PA averaging every minibatch
     * @param lockstepOverPaF5    Lockstep / PA averaging every 5 minibatches
     * @param pairOverDl4j1t      the measured ceiling: two concurrent single-thread fits / one
     * @param lockstepOverPair    Lockstep / that ceiling (efficiency against what the machine can do)
     * @param replicatedOverSharded Lockstep with replicated data / with sharded data (what balanced shares buy)
     * @param lockstepOverDdp     Lockstep / PyTorch DDP
     */
    record Ratios(Double lockstepOverDl4j1t, Double efficiency, Double lockstepOverDl4j2t, Double dl4j2tOverDl4j1t,
                  Double lockstepOverPaF1, Double lockstepOverPaF5, Double pairOverDl4j1t, Double lockstepOverPair,
                  Double replicatedOverSharded, Double lockstepOverDdp) {

        static Ratios of(Map<Side, SideResult> r, int parallelLimit) {
            Double eff = ratio(r, Side.LOCKSTEP, Side.DL4J_1T);
            return new Ratios(ratio(r, Side.LOCKSTEP, Side.DL4J_1T), eff == null ? null : eff / parallelLimit,
                    ratio(r, Side.LOCKSTEP, Side.DL4J_2T), ratio(r, Side.DL4J_2T, Side.DL4J_1T),
                    ratio(r, Side.LOCKSTEP, Side.PA_F1), ratio(r, Side.LOCKSTEP, Side.PA_F5),
                    ratio(r, Side.DL4J_PAIR, Side.DL4J_1T), ratio(r, Side.LOCKSTEP, Side.DL4J_PAIR),
                    ratio(r, Side.LOCKSTEP, Side.LOCKSTEP_SHARDED), ratio(r, Side.LOCKSTEP, Side.PYTORCH_DDP));
        }

        private static Double ratio(Map<Side, SideResult> r, Side a, Side b) {
            SideResult x = r.get(a);
            SideResult y = r.get(b);
            return x == null || y == null ? null : x.examplesPerSec() / y.examplesPerSec();
        }
    }
}
