package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench transform}'s settings: every bad value fails naming its option. */
class TransformSettingsTest {
    @TempDir
    Path dir;

    private static String failure(int rows, int workers, int scoreBatch, int warmup, int repeats, String master,
                                  Path out) {
        return assertThrows(IllegalArgumentException.class,
                () -> new TransformSettings(rows, workers, scoreBatch, warmup, repeats, master, 42, out)).getMessage();
    }

    @Test
    void badValuesNameTheirOption() {
        assertEquals("--rows must be at least 0 (got -1)", failure(-1, 2, 256, 1, 3, "local[2]", null));
        assertEquals("--workers must be at least 1 (got 0)", failure(0, 0, 256, 1, 3, "local[2]", null));
        assertEquals("--score-batch must be at least 1 (got 0)", failure(0, 2, 0, 1, 3, "local[2]", null));
        assertEquals("--warmup must be at least 0 (got -1)", failure(0, 2, 256, -1, 3, "local[2]", null));
        assertEquals("--repeats must be at least 3 (got 2)", failure(0, 2, 256, 1, 2, "local[2]", null));
        assertEquals("--master: must not be empty", failure(0, 2, 256, 1, 3, " ", null));
        assertTrue(failure(0, 2, 256, 1, 3, "local[2]", dir.resolve("r.csv")).endsWith("must end in .json"));
        assertTrue(failure(0, 2, 256, 1, 3, "local[2]", dir.resolve("missing/r.json")).startsWith("--out: cannot write"));
    }

    @Test
    void rowsDefaultToAllAndCannotExceedTheData() {
        assertEquals(60000, new TransformSettings(0, 2, 256, 1, 3, "local[2]", 42, null).rowsOf(60000));
        assertEquals(2000, new TransformSettings(2000, 2, 256, 0, 3, "local[2]", 42, dir.resolve("r.json")).rowsOf(60000));
        String m = assertThrows(IllegalArgumentException.class,
                () -> new TransformSettings(70000, 2, 256, 1, 3, "local[2]", 42, null).rowsOf(60000)).getMessage();
        assertEquals("--rows: 70000 is more than the 60000 training examples", m);
    }
}
