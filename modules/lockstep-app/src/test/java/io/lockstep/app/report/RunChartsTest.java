package io.lockstep.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunChartsTest {
    @TempDir
    Path tmp;

    @Test
    void updateRatiosAreOnALogAxisEvenWhenTheFirstStepMerelyDominates() {
        // the first step's ratio is 25x the rest: too little spread for the span rule, enough to flatten a linear axis
        String[] lines = IntStream.range(0, 40).mapToObj(t -> String.format(Locale.ROOT,
                "{\"type\":\"step\",\"step\":%d,\"update_ratio\":{\"0_W\":%s,\"0_b\":%s}}", t, t == 0 ? 0.5 : 0.02,
                t == 0 ? 0.4 : 0.03)).toArray(String[]::new);
        RunMetrics m = MetricsReader.read(ReportFixtures.lines(tmp.resolve("metrics.jsonl"), lines));
        double[] w = m.column(s -> s.updateRatios().get("0_W"));
        assertTrue(SeriesMath.positiveSpan(w) < SeriesMath.LOG_SPAN, "the span rule alone would give a linear axis");

        Plot p = new RunCharts(m).updateRatios();
        assertTrue(p.logY());
        assertTrue(p.chart().getStyler().isYAxisLogarithmic());
        assertTrue(p.chart().getYAxisTitle().contains("log scale"), p.chart().getYAxisTitle());
        assertEquals(2, p.chart().getSeriesMap().size());
    }

    @Test
    void tauIsDrawnAgainstStepsDoneWithTheNoGainLine() {
        Path dir = ReportFixtures.adaScaleRun(tmp.resolve("run"), 30, true);
        RunMetrics m = MetricsReader.read(dir.resolve("metrics.jsonl"));
        Plot p = new RunCharts(m).tau();
        var tau = p.chart().getSeriesMap().get("τ");
        assertEquals(1, tau.getXData()[0]);
        assertEquals(m.steps().get(0).tau(), tau.getYData()[0]);
        var none = p.chart().getSeriesMap().get("τ = steps (no gain)");
        assertEquals(none.getXData()[1], none.getYData()[1]);
        assertEquals(30, none.getXData()[1]);
    }

    @Test
    void gainRatioIsBoundedByTheScaleOfEachStep() {
        Path dir = ReportFixtures.adaScaleRun(tmp.resolve("run"), 60, true);
        RunMetrics m = MetricsReader.read(dir.resolve("metrics.jsonl"));
        Plot p = new RunCharts(m).gainRatio(64, 256);
        double[] s = p.chart().getSeriesMap().get("S = B/b0 (linear scaling)").getYData();
        for (int i = 0; i < s.length; i++) {
            assertEquals(m.steps().get(i).globalBatch() / 64, s[i]);
        }
    }
}
