package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {
    @Test
    void evaluatesEfficiencyOverheadAndParameterAveraging() {
        List<BenchRow> rows = List.of(
                BenchRow.of(256, 2, 2, Results.sides(256, 1000, 1000, 2000, 100, 100), Results.breakdown(256, 6.5)),
                BenchRow.of(1024, 2, 2, Results.sides(1024, 2000, 2000, 2000, 100, 200), Results.breakdown(1024, 9)),
                BenchRow.of(16384, 2, 2, Results.sides(16384, 2000, 1000, 1000, 100, 200), null));
        List<Target> t = Targets.evaluate(rows);
        assertEquals(List.of("efficiency at B=256", "efficiency at B=1024", "median fixed overhead per step at B=256",
                "median fixed overhead per step at B=1024", "Lockstep / PA f=1 at B=1024"),
                t.stream().map(Target::name).toList());
        assertTrue(t.get(0).met());       // 1000 / (2 x 1000) = 0.5 >= 0.40
        assertFalse(t.get(1).met());      // 2000 / (2 x 2000) = 0.5 < 0.65
        assertTrue(t.get(2).met());       // 6.5 <= 7
        assertFalse(t.get(3).met());      // 9 > 7
        assertTrue(t.get(4).met());       // 20 >= 15
        assertEquals(20, t.get(4).measured(), 1e-12);
    }

    @Test
    void nothingToEvaluateWithoutTheSides() {
        List<BenchRow> rows = List.of(BenchRow.of(4096, 1, 1, Map.of(Side.LOCKSTEP, Results.rate(4096, 10)), null));
        assertTrue(Targets.evaluate(rows).isEmpty());
    }

    @Test
    void nanIsNeverMet() {
        assertFalse(Target.atLeast("x", 1, Double.NaN).met());
        assertFalse(Target.atMost("x", 1, " ms", Double.NaN).met());
        assertTrue(Targets.format(List.of(Target.atMost("x", 7, " ms", 8))).contains("NOT met"));
    }
}
