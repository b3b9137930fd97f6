package io.lockstep.bench;

import java.util.EnumMap;
import java.util.Map;

/** Hand-made results for the report tests. */
final class Results {
    private Results() {}

    /** A side result with the given throughput at batch {@code b} (median = 1000·b/rate ms). */
    static SideResult rate(int b, double examplesPerSec) {
        double ms = 1000.0 * b / examplesPerSec;
        return new SideResult(ms, ms * 0.9, ms * 1.2, examplesPerSec, 30, b, 1.0, 1, 0.5);
    }

    static Map<Side, SideResult> sides(int b, double lockstep, double dl4j1t, double dl4j2t, double paF1, double paF5) {
        Map<Side, SideResult> m = new EnumMap<>(Side.class);
        m.put(Side.LOCKSTEP, rate(b, lockstep));
        m.put(Side.DL4J_1T, rate(b, dl4j1t));
        m.put(Side.DL4J_2T, rate(b, dl4j2t));
        m.put(Side.PA_F1, rate(b, paF1));
        m.put(Side.PA_F5, rate(b, paF5));
        return m;
    }

    static Breakdown breakdown(int b, double overhead) {
        return new Breakdown(b, 1, 20, 15, 1, 0.2, overhead);
    }
}
