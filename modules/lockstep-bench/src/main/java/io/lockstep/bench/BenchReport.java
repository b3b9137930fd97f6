package io.lockstep.bench;

import java.util.List;

/** Everything a run produced; the JSON shape of {@code --out FILE.json} ({@code barrierRound} null on clusters). */
record BenchReport(BenchEnv env, BenchSettings settings, SparkFloor sparkFloor, BarrierRound barrierRound,
                   List<BenchRow> rows,
                   List<Target> targets, double wallSeconds) {
    BenchReport {
        rows = List.copyOf(rows);
        targets = List.copyOf(targets);
    }
}
