package io.lockstep.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    @TempDir
    Path tmp;

    @Test
    void runReportHasEverySectionAndRealCharts() {
        Path dir = ReportFixtures.run(tmp.resolve("my-run"), 120, 256, true);
        String html = RunReport.build(dir).render();
        HtmlAssertions.selfContained(html);
        HtmlAssertions.containsAll(html, "Run report: my-run", "Loss and accuracy", "Optimization",
                "Gradient noise scale", "Step time", "Divergence events", "Configuration (run.json)",
                "alt=\"Loss\"", "alt=\"Accuracy\"", "alt=\"Learning-rate schedule\"", "alt=\"Gradient norm\"",
                "alt=\"Update/weight ratio per parameter block\"", "alt=\"Gradient noise scale B_simple\"",
                "alt=\"Step time breakdown\"", "loss 99 &gt; 10 x best", "optimizer.type", "NESTEROV",
                "&lt;script&gt;alert(1)&lt;/script&gt;");
        List<BufferedImage> charts = HtmlAssertions.charts(html);
        assertEquals(7, charts.size());
        for (BufferedImage chart : charts) {
            assertTrue(colours(chart) > 5, "a chart with lines, not a blank image");
        }
    }

    @Test
    void adaptiveRunHasGainTauBatchAndGoodputCharts() {
        String html = RunReport.build(ReportFixtures.adaScaleRun(tmp.resolve("adaptive"), 120, true)).render();
        HtmlAssertions.containsAll(html, "AdaScale and the global batch", "alt=\"AdaScale gain ratio r\"",
                "alt=\"Scale-invariant iteration τ\"", "alt=\"Global batch B\"", "alt=\"Goodput of the chosen batch\"");
        assertEquals(11, HtmlAssertions.charts(html).size());
    }

    @Test
    void adaScaleAtAFixedBatchHasGainAndTauButNoBatchOrGoodputChart() {
        String html = RunReport.build(ReportFixtures.adaScaleRun(tmp.resolve("fixed"), 120, false)).render();
        HtmlAssertions.containsAll(html, "AdaScale and the global batch", "alt=\"AdaScale gain ratio r\"",
                "alt=\"Scale-invariant iteration τ\"");
        assertFalse(html.contains("alt=\"Global batch B\""), "B is constant");
        assertFalse(html.contains("alt=\"Goodput of the chosen batch\""), "no batch_choice lines");
        assertEquals(9, HtmlAssertions.charts(html).size());
    }

    @Test
    void runWithoutAdaScaleOrAdaptiveFieldsHasNoSuchSection() {
        String html = RunReport.build(ReportFixtures.run(tmp.resolve("plain"), 120, 256, false)).render();
        assertFalse(html.contains("AdaScale and the global batch"), "no AdaScale section");
        assertFalse(html.contains("alt=\"Global batch B\""));
    }

    @Test
    void keyNumbersComeFromTheRun() {
        Path dir = ReportFixtures.run(tmp.resolve("r"), 60, 512, false);
        String html = RunReport.build(dir).render();
        HtmlAssertions.containsAll(html, "<b>60</b><span>steps</span>", "<b>512</b><span>global batch B</span>",
                "<b>completed</b><span>outcome</span>", "No divergence events");
        double acc = MetricsReader.read(dir.resolve("metrics.jsonl")).evals("test").get(2).accuracy();
        HtmlAssertions.containsAll(html, "<b>" + Format.percent(acc) + "</b><span>test accuracy</span>");
    }

    @Test
    void runWithoutStepsStillReports() throws IOException {
        Path dir = ReportFixtures.run(tmp.resolve("empty"), 1, 64, false);
        Files.writeString(dir.resolve("metrics.jsonl"), "");
        String html = RunReport.build(dir).render();
        HtmlAssertions.containsAll(html, "no step records yet", "Configuration (run.json)");
        assertEquals(0, HtmlAssertions.charts(html).size());
    }

    private static int colours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
