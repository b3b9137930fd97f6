package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchSettingsTest {
    @TempDir
    Path dir;

    private static BenchSettings settings(List<Integer> batches, Set<Side> sides, int steps, int workers, Path out) {
        return new BenchSettings(batches, sides, steps, 5, 200, 3, 1, 10, "local[2]", workers, 42, out);
    }

    private static void rejects(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void validSettings() {
        assertDoesNotThrow(() -> settings(List.of(256, 1024), EnumSet.allOf(Side.class), 30, 2, dir.resolve("b.csv")));
    }

    @Test
    void rejectsBadValuesNamingTheOption() {
        Set<Side> all = EnumSet.allOf(Side.class);
        rejects("--batches", () -> settings(List.of(), all, 30, 2, null));
        rejects("--steps", () -> settings(List.of(256), all, 0, 2, null));
        rejects("--workers", () -> settings(List.of(256), all, 30, 0, null));
        rejects("smaller than --workers", () -> settings(List.of(2), all, 30, 4, null));
        rejects("--sides", () -> settings(List.of(256), EnumSet.noneOf(Side.class), 30, 2, null));
        rejects("--out", () -> settings(List.of(256), all, 30, 2, dir.resolve("b.txt")));
        rejects("--out", () -> settings(List.of(256), all, 30, 2, dir.resolve("missing/b.json")));
        rejects("--out", () -> settings(List.of(256), all, 30, 2, dir));
    }

    @Test
    void parameterAveragingNeedsEqualShares() {
        rejects("multiple of --workers", () -> settings(List.of(100), EnumSet.of(Side.PA_F1), 30, 3, null));
        assertDoesNotThrow(() -> settings(List.of(100), EnumSet.of(Side.LOCKSTEP), 30, 3, null));
    }
}
