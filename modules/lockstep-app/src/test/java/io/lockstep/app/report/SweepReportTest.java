package io.lockstep.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {
    @TempDir
    Path tmp;

    @Test
    void sweepReportHasEverySection() {
        String html = SweepReport.build(ReportFixtures.sweep(tmp)).render();
        HtmlAssertions.selfContained(html);
        HtmlAssertions.containsAll(html, "Sweep report:", "Sweep spec (sweep.yaml)", "a &lt;test&gt; sweep",
                "<h2>Runs</h2>", "global-batch-4096_lr-0.4_warmup-none", "loss 25.1, lr 0.4",
                "Steps to target vs batch size", "alt=\"Examples to target vs batch size\"",
                "alt=\"Best learning rate and divergence edge vs batch size\"",
                "alt=\"B = 4096, lr = 0.1: first 50 steps\"", "alt=\"B = 4096, lr = 0.1: whole run\"",
                "alt=\"Measured noise scale vs fitted critical batch\"", "alt=\"Noise scale during training\"",
                "alt=\"Final test accuracy vs batch size\"");
        assertEquals(8, HtmlAssertions.charts(html).size());
    }

    @Test
    void printsTheFittedCriticalBatch() {
        String html = SweepReport.build(ReportFixtures.sweep(tmp)).render();
        Matcher m = Pattern.compile("B_crit = ([0-9.]+), S_min = ([0-9.]+) steps").matcher(html);
        assertTrue(m.find(), "fit summary in the page");
        // the fixture's steps-to-target are S_min(1 + B_crit/B) rounded to whole steps
        assertEquals(ReportFixtures.B_CRIT, Double.parseDouble(m.group(1)), 0.01 * ReportFixtures.B_CRIT);
        assertEquals(ReportFixtures.S_MIN, Double.parseDouble(m.group(2)), 0.01 * ReportFixtures.S_MIN);
    }

    @Test
    void sectionsWithoutDataSayWhy() throws IOException {
        Files.write(tmp.resolve("summary.csv"), List.of("run,status,global_batch,lr,final_test_accuracy",
                "a,finished,64,0.1,0.97", "b,failed,64,0.1,"));
        String html = SweepReport.build(tmp).render();
        HtmlAssertions.containsAll(html, "has no target accuracy", "Only one learning rate was tried",
                "No runs that differ only in warmup", "No run recorded B_simple",
                "Final test accuracies exist for fewer than 2 batch sizes");
        assertEquals(0, HtmlAssertions.charts(html).size());
    }

    @Test
    void emptySummaryIsAReportWithoutRuns() throws IOException {
        Files.writeString(tmp.resolve("summary.csv"), "run,status,global_batch\n");
        String html = SweepReport.build(tmp).render();
        HtmlAssertions.containsAll(html, "summary.csv has no runs yet");
    }
}
