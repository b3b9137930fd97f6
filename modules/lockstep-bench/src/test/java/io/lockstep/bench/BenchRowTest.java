package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchRowTest {
    @Test
    void ratiosFromThroughputs() {
        BenchRow r = BenchRow.of(1024, 2, 2, Results.sides(1024, 30_000, 20_000, 25_000, 2_000, 6_000), null);
        BenchRow.Ratios q = r.ratios();
        assertEquals(1.5, q.lockstepOverDl4j1t(), 1e-12);
        assertEquals(0.75, q.efficiency(), 1e-12);
        assertEquals(1.2, q.lockstepOverDl4j2t(), 1e-12);
        assertEquals(1.25, q.dl4j2tOverDl4j1t(), 1e-12);
        assertEquals(15, q.lockstepOverPaF1(), 1e-12);
        assertEquals(5, q.lockstepOverPaF5(), 1e-12);
        assertEquals(List.of("lockstep", "dl4j-1t", "dl4j-2t", "pa-f1", "pa-f5"), List.copyOf(r.sides().keySet()));
    }

    @Test
    void measuredCeilingRatios() {
        Map<Side, SideResult> m = new java.util.EnumMap<>(Results.sides(4096, 30_000, 20_000, 25_000, 2_000, 6_000));
        m.put(Side.DL4J_PAIR, Results.rate(4096, 32_000));
        BenchRow.Ratios q = BenchRow.of(4096, 2, 2, m, null).ratios();
        assertEquals(1.6, q.pairOverDl4j1t(), 1e-12);
        assertEquals(30.0 / 32, q.lockstepOverPair(), 1e-12);
        assertEquals(0.75, q.efficiency(), 1e-12, "the nominal efficiency is unchanged by the ceiling side");
        assertNull(BenchRow.of(4096, 2, 2, Results.sides(4096, 1, 1, 1, 1, 1), null).ratios().lockstepOverPair());
    }

    @Test
    void replicatedOverShardedData() {
        Map<Side, SideResult> m = new java.util.EnumMap<>(Side.class);
        m.put(Side.LOCKSTEP, Results.rate(1024, 30_000));
        m.put(Side.LOCKSTEP_SHARDED, Results.rate(1024, 24_000));
        BenchRow r = BenchRow.of(1024, 2, 2, m, null);
        assertEquals(1.25, r.ratios().replicatedOverSharded(), 1e-12);
        assertEquals(List.of("lockstep", "lockstep-sharded"), List.copyOf(r.sides().keySet()));
        assertNull(BenchRow.of(1024, 2, 2, Map.of(Side.LOCKSTEP, Results.rate(1024, 1)), null).ratios()
                .replicatedOverSharded());
    }

    @Test
    void missingSidesGiveNoRatio() {
        BenchRow r = BenchRow.of(256, 2, 2, Map.of(Side.LOCKSTEP, Results.rate(256, 1000)), null);
        assertNull(r.ratios().efficiency());
        assertNull(r.ratios().lockstepOverPaF1());
        assertNull(r.side(Side.DL4J_1T));
    }

    @Test
    void efficiencyUsesTheParallelLimit() {
        BenchRow r = BenchRow.of(4096, 3, 1, Results.sides(4096, 900, 1000, 1000, 1, 1), null);
        assertEquals(0.9, r.ratios().efficiency(), 1e-12);
    }
}
