package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** How a step's batch becomes ghost batches and how they are dealt to workers. */
class GhostBatchesTest {

    /** Ghost batch k is positions [kG, min((k+1)G, B)) of the batch, whatever P; shares differ by at most one. */
    @ParameterizedTest(name = "B={0}, G={1}")
    @CsvSource({"30, 8", "32, 8", "7, 3", "5, 5", "64, 1"})
    void dealtGhostBatchesAreTheSameForEveryWorkerCount(int b, int g) {
        int[] batch = new int[b];
        for (int i = 0; i < b; i++) {
            batch[i] = 1000 + 7 * i; // global indices, not positions
        }
        int k = GhostBatches.count(b, g);
        List<int[]> expected = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            expected.add(java.util.Arrays.copyOfRange(batch, j * g, Math.min(b, (j + 1) * g)));
        }
        for (int p = 1; p <= Math.min(b, 5); p++) {
            StepShare[] shares = GhostBatches.deal(batch, g, p);
            assertEquals(p, shares.length);
            List<int[]> ghosts = new ArrayList<>();
            int next = 0;
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (StepShare s : shares) {
                assertEquals(next, s.firstGhost(), "ghost batches are numbered in worker order");
                for (int j = 0; j < s.ghostCount(); j++) {
                    ghosts.add(s.ghost(j));
                }
                next += s.ghostCount();
                min = Math.min(min, s.ghostCount());
                max = Math.max(max, s.ghostCount());
            }
            assertEquals(k, ghosts.size());
            for (int j = 0; j < k; j++) {
                assertArrayEquals(expected.get(j), ghosts.get(j), "P=" + p + " ghost " + j);
            }
            assertTrue(max - min <= 1, "P=" + p + ": shares of " + min + ".." + max + " ghost batches");
        }
    }

    @Test
    void moreWorkersThanGhostBatchesLeavesSomeIdle() {
        StepShare[] shares = GhostBatches.deal(new int[] {4, 5, 6, 7}, 2, 4);
        assertEquals(2, java.util.Arrays.stream(shares).filter(StepShare::isEmpty).count());
        assertEquals(4, java.util.Arrays.stream(shares).mapToInt(StepShare::size).sum());
    }

    @Test
    void withinSharesCutsEachWorkersRowsAndNumbersGhostsInWorkerOrder() {
        StepShare[] shares = GhostBatches.withinShares(new int[][] {{0, 1, 2, 3, 4}, {}, {9, 8}}, 2);
        assertArrayEquals(new int[] {2, 4, 5}, shares[0].ghostEnds());
        assertEquals(0, shares[0].firstGhost());
        assertTrue(shares[1].isEmpty());
        assertEquals(3, shares[1].firstGhost());
        assertArrayEquals(new int[] {9, 8}, shares[2].ghost(0));
        assertEquals(3, shares[2].firstGhost());
    }

    @Test
    void badGhostBatchesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GhostBatches.deal(new int[] {1}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new StepShare(new int[] {1, 2}, new int[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> new StepShare(new int[] {1, 2}, new int[] {2, 2}, 0));
    }
}
