package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The global batch sequence: a seeded permutation per epoch, cut into floor(N/B) batches of B. */
class BatchPlanTest {

    @ParameterizedTest(name = "N={0}, B={1}")
    @CsvSource({"103, 10", "100, 10", "7, 7", "50, 1", "1000, 333"})
    void eachEpochIsADisjointCoverOfFloorNOverBTimesBExamples(int n, int b) {
        BatchPlan plan = new BatchPlan(n, b, 5);
        int steps = n / b;
        assertEquals(steps, plan.stepsPerEpoch());
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<Integer> seen = new HashSet<>();
            for (int s = 0; s < steps; s++) {
                long step = (long) epoch * steps + s;
                assertEquals(epoch, plan.epochOf(step));
                int[] batch = plan.batch(step);
                assertEquals(b, batch.length);
                for (int idx : batch) {
                    assertTrue(idx >= 0 && idx < n, "index " + idx + " outside [0, " + n + ")");
                    assertTrue(seen.add(idx), "example " + idx + " appears twice in epoch " + epoch);
                }
            }
            assertEquals(steps * b, seen.size());
            // The batches are consecutive slices of the epoch's permutation, which is itself a permutation.
            int[] perm = plan.permutation(epoch).clone();
            assertArrayEquals(Arrays.copyOfRange(perm, 0, b), plan.batch((long) epoch * steps));
            Arrays.sort(perm);
            for (int i = 0; i < n; i++) {
                assertEquals(i, perm[i]);
            }
        }
    }

    @Test
    void deterministicForASeed() {
        BatchPlan a = new BatchPlan(200, 16, 42);
        BatchPlan b = new BatchPlan(200, 16, 42);
        for (long step = 0; step < 40; step++) {
            assertArrayEquals(a.batch(step), b.batch(step), "step " + step);
        }
    }

    @Test
    void differentAcrossEpochsAndSeeds() {
        BatchPlan plan = new BatchPlan(200, 16, 42);
        int[] e0 = plan.permutation(0).clone();
        int[] e1 = plan.permutation(1).clone();
        assertFalse(Arrays.equals(e0, e1), "epochs must be reshuffled");
        assertFalse(Arrays.equals(plan.batch(0), plan.batch(plan.stepsPerEpoch())),
                "first batch of epoch 1 differs from epoch 0's");
        Set<String> perSeed = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            perSeed.add(Arrays.toString(new BatchPlan(200, 16, seed).permutation(0)));
        }
        assertEquals(10, perSeed.size(), "each seed gives its own order");
        int[] identity = new int[200];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, e0), "the data is actually shuffled");
    }

    @Test
    void independentOfQueryOrderAndCaching() {
        BatchPlan fresh = new BatchPlan(97, 8, 3);
        int steps = fresh.stepsPerEpoch();
        int[][] expected = new int[4 * steps][];
        for (int s = 0; s < expected.length; s++) {
            expected[s] = fresh.batch(s).clone();
        }
        // Jump between epochs in a scrambled order on another instance: same answers.
        BatchPlan jumpy = new BatchPlan(97, 8, 3);
        for (int s : new int[] {30, 2, 47, 13, 0, 35, 12, 24, 1}) {
            assertArrayEquals(expected[s], jumpy.batch(s), "step " + s);
        }
        // Mutating a returned batch does not corrupt the plan.
        int[] batch = jumpy.batch(5);
        Arrays.fill(batch, -1);
        assertArrayEquals(expected[5], jumpy.batch(5));
    }

    @Test
    void invalidSizesAreRejected() {
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> new BatchPlan(10, 11, 1));
        assertTrue(big.getMessage().contains("11") && big.getMessage().contains("10"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchPlan(10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlan(10, -3, 1));
        assertEquals(1, new BatchPlan(10, 10, 1).stepsPerEpoch());
    }
}
