package io.lockstep.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run produced; the JSON shape of {@code --out FILE.json} ({@code barrierRound} null on clusters;
 * {@code channelFloor} null unless a Lockstep side ran with the step channel).
 * {@code skipped}: sides that were asked for but could not run, by side key, with the reason printed.
 */
record BenchReport(BenchEnv env, BenchSettings settings, SparkFloor sparkFloor, ChannelFloorMedians channelFloor,
                   BarrierRound barrierRound, List<BenchRow> rows,
                   List<Target> targets, double wallSeconds, Map<String, String> skipped) {
    BenchReport {
        rows = List.copyOf(rows);
        targets = List.copyOf(targets);
        skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
    }

    BenchReport(BenchEnv env, BenchSettings settings, SparkFloor sparkFloor, ChannelFloorMedians channelFloor,
                BarrierRound barrierRound, List<BenchRow> rows, List<Target> targets, double wallSeconds) {
        this(env, settings, sparkFloor, channelFloor, barrierRound, rows, targets, wallSeconds, Map.of());
    }
}
