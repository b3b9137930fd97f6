package io.lockstep.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryReaderTest {
    @TempDir
    Path tmp;

    private Path csv(String... lines) {
        return ReportFixtures.lines(tmp.resolve("summary.csv"), lines);
    }

    @Test
    void readsTheSweepFormat() {
        List<SweepRow> rows = SummaryReader.read(ReportFixtures.sweep(tmp).resolve("summary.csv"));
        assertEquals(6, rows.size());
        SweepRow first = rows.get(0);
        assertEquals("global-batch-64_lr-0.1_warmup-none", first.run());
        assertEquals(64, first.globalBatch());
        assertTrue(first.reachedTarget());
        assertEquals(Math.round(200 * (1 + 1000 / 64.0)), first.stepsToTarget());
        assertEquals("64", first.params().get("p_global_batch"));
        SweepRow diverged = rows.get(4);
        assertTrue(diverged.isDiverged());
        assertFalse(diverged.isHealthy());
        assertTrue(Double.isNaN(diverged.stepsToTarget()), "empty cell reads as NaN");
        assertEquals("loss 25.1, lr 0.4", diverged.cells().get("error"), "quoted cell with a comma");
    }

    @Test
    void onlyRunStatusAndBatchAreRequired() throws IOException {
        List<SweepRow> rows = SummaryReader.read(csv("run,status,global_batch", "a,finished,32", "b,failed,64"));
        assertEquals(2, rows.size());
        assertTrue(Double.isNaN(rows.get(1).lr()));
        assertFalse(rows.get(1).reachedTarget());
    }

    @Test
    void missingColumnIsNamed() throws IOException {
        Path f = csv("run,status,lr", "a,finished,0.1");
        ReportException e = assertThrows(ReportException.class, () -> SummaryReader.read(f));
        assertTrue(e.getMessage().contains(f + ": missing column 'global_batch'"), e.getMessage());
    }

    @Test
    void badValuesNameLineAndColumn() throws IOException {
        Path number = csv("run,status,global_batch,lr", "a,finished,32,0.1", "b,finished,64,fast");
        ReportException e = assertThrows(ReportException.class, () -> SummaryReader.read(number));
        assertTrue(e.getMessage().contains(number + " line 3: column 'lr': 'fast' is not a number"), e.getMessage());

        Path batch = csv("run,status,global_batch", "a,finished,0");
        e = assertThrows(ReportException.class, () -> SummaryReader.read(batch));
        assertTrue(e.getMessage().contains("line 2: column 'global_batch'"), e.getMessage());

        Path bool = csv("run,status,global_batch,diverged", "a,finished,32,maybe");
        e = assertThrows(ReportException.class, () -> SummaryReader.read(bool));
        assertTrue(e.getMessage().contains("line 2: column 'diverged': 'maybe' is not true/false"), e.getMessage());

        Path ragged = csv("run,status,global_batch", "a,finished");
        e = assertThrows(ReportException.class, () -> SummaryReader.read(ragged));
        assertTrue(e.getMessage().contains("line 2: 2 values for 3 columns"), e.getMessage());
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        Path f = csv();
        ReportException e = assertThrows(ReportException.class, () -> SummaryReader.read(f));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
