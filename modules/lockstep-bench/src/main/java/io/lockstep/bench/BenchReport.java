package io.lockstep.bench;

import java.util.List;

/** Everything a run produced; the JSON shape of {@code --out FILE.json}. */
record BenchReport(BenchEnv env, BenchSettings settings, SparkFloor sparkFloor, List<BenchRow> rows,
                   List<Target> targets, double wallSeconds) {
    BenchReport {
        rows = List.copyOf(rows);
        targets = List.copyOf(targets);
    }
}
