package io.lockstep.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SweepAnalysisTest {
    private static final double S_MIN = 200;
    private static final double B_CRIT = 1000;

    /** A summary row with the fields the analysis reads. */
    static SweepRow row(String run, String status, int b, double lr, String scaling, String warmup, double steps,
                        double bestVal, double test, Map<String, String> params) {
        boolean reached = steps > 0;
        return new SweepRow(run, status, b, lr, scaling, lr, warmup, 0, "nesterov", 100, 1, 0.97, reached,
                reached ? steps : Double.NaN, reached ? steps * b : Double.NaN, bestVal, test, 0.1, 2.5,
                status.equals("diverged"), Double.NaN, Double.NaN, params, Map.of("run", run));
    }

    @Test
    void bCritFitRecoversKnownCurveFromNoisyTunedSweep() {
        // S = S_min(1 + B_crit/B) with 5% multiplicative noise, at 10 batch sizes 16…8192; each B also has two
        // mistuned learning rates (1.3× and 1.8× slower). The report fits the fastest run per B.
        Random rng = new Random(3);
        List<SweepRow> rows = new ArrayList<>();
        for (int b = 16; b <= 8192; b *= 2) {
            double s = S_MIN * (1 + B_CRIT / b);
            double[] slowdown = {1.0, 1.3, 1.8};
            for (int i = 0; i < slowdown.length; i++) {
                double noisy = s * slowdown[i] * (1 + 0.05 * rng.nextGaussian());
                rows.add(row("b" + b + "-" + i, "finished", b, 0.01 * (i + 1), "none", "none", noisy, 0.98, 0.97,
                        Map.of()));
            }
        }
        SweepAnalysis a = new SweepAnalysis(rows);
        assertEquals(10, a.fastestPerBatch().size());
        SweepAnalysis.FitOutcome fit = a.criticalBatchFit();
        assertTrue(fit.ok(), fit.problem());
        assertEquals(B_CRIT, fit.result().bCrit(), 0.10 * B_CRIT, "B_crit");
        assertEquals(S_MIN, fit.result().sMin(), 0.10 * S_MIN, "S_min");
    }

    @Test
    void fitNeedsTwoBatchSizesThatReachedTheTarget() {
        SweepAnalysis one = new SweepAnalysis(List.of(row("a", "finished", 64, 0.1, "none", "none", 500, 0.98, 0.97,
                Map.of()), row("b", "finished", 128, 0.1, "none", "none", 0, 0.9, 0.9, Map.of())));
        SweepAnalysis.FitOutcome fit = one.criticalBatchFit();
        assertFalse(fit.ok());
        assertNull(fit.result());
        assertTrue(fit.problem().contains("2 or more batch sizes"), fit.problem());
    }

    @Test
    void bestLearningRateAndDivergenceEdgePerBatch() {
        SweepAnalysis a = new SweepAnalysis(List.of(
                row("a", "finished", 64, 0.01, "none", "none", 0, 0.95, 0.94, Map.of()),
                row("b", "finished", 64, 0.03, "none", "none", 0, 0.97, 0.96, Map.of()),
                row("c", "diverged", 64, 0.3, "none", "none", 0, 0.99, 0.1, Map.of()),
                row("d", "diverged", 64, 0.1, "none", "none", 0, Double.NaN, 0.1, Map.of()),
                row("e", "finished", 256, 0.1, "none", "none", 0, 0.96, 0.95, Map.of()),
                row("f", "failed", 256, 0.3, "none", "none", 0, 0.99, Double.NaN, Map.of())));
        Map<Integer, SweepRow> best = a.bestLrPerBatch();
        assertEquals("b", best.get(64).run(), "diverged runs never count as best, whatever their accuracy");
        assertEquals("e", best.get(256).run(), "failed runs never count as best");
        assertEquals(Map.of(64, 0.1), a.divergenceEdge());
        assertEquals(4, a.distinctLearningRates());
    }

    @Test
    void warmupGroupsShareEverythingButWarmupScalingAndSeed() {
        SweepAnalysis a = new SweepAnalysis(List.of(
                row("w1", "finished", 4096, 0.1, "linear", "none", 0, 0.9, 0.9, Map.of("p_warmup", "none",
                        "p_seed", "1")),
                row("w2", "finished", 4096, 0.1, "linear", "gradual", 0, 0.9, 0.9, Map.of("p_warmup", "gradual",
                        "p_seed", "2")),
                row("x", "finished", 1024, 0.1, "linear", "none", 0, 0.9, 0.9, Map.of("p_warmup", "none",
                        "p_seed", "1")),
                row("y1", "finished", 512, 0.1, "none", "none", 0, 0.9, 0.9, Map.of("p_lr_scaling", "none")),
                row("y2", "finished", 512, 0.1, "sqrt", "none", 0, 0.9, 0.9, Map.of("p_lr_scaling", "sqrt"))));
        List<List<SweepRow>> groups = a.warmupGroups();
        assertEquals(2, groups.size(), "x has no partner; same-variant runs are not a group");
        assertEquals(List.of("w1", "w2"), groups.get(0).stream().map(SweepRow::run).toList(), "largest B first");
        assertEquals(List.of("y1", "y2"), groups.get(1).stream().map(SweepRow::run).toList());
        assertEquals("linear scaling, gradual warmup", SweepAnalysis.variant(groups.get(0).get(1)));
        assertEquals("no scaling, no warmup", SweepAnalysis.variant(groups.get(1).get(0)));
    }

    @Test
    void testAccuracyIsBestPerBatchForEachRule() {
        SweepAnalysis a = new SweepAnalysis(List.of(
                row("a", "finished", 64, 0.1, "linear", "none", 0, 0.9, 0.97, Map.of()),
                row("b", "finished", 64, 0.3, "linear", "none", 0, 0.9, 0.98, Map.of()),
                row("c", "diverged", 4096, 0.1, "linear", "none", 0, 0.9, 0.11, Map.of()),
                row("d", "finished", 4096, 0.1, "sqrt", "none", 0, 0.9, 0.96, Map.of())));
        Map<String, Map<Integer, Double>> byRule = a.testAccuracyByRule();
        assertEquals(Map.of(64, 0.98, 4096, 0.11), byRule.get("linear scaling"));
        assertEquals(Map.of(4096, 0.96), byRule.get("sqrt scaling"));
    }
}
