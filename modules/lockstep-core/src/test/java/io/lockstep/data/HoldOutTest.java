package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seeded validation hold-out: sizes, a partition of the rows, per-part order, determinism, bad fractions. */
class HoldOutTest {
    private static final int FEATURES = 3;

    /** Row i = (i, i mod 7, -i) with label i mod 4; rows 0 and 1 are duplicated at the end (a multiset). */
    private static Dataset rows(int unique) {
        int n = unique + 2;
        float[] f = new float[n * FEATURES];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            int src = i < unique ? i : i - unique;
            f[i * FEATURES] = src;
            f[i * FEATURES + 1] = src % 7;
            f[i * FEATURES + 2] = -src;
            l[i] = src % 4;
        }
        return new Dataset("rows", f, l, FEATURES, 4);
    }

    private static Map<String, Integer> multiset(Dataset... parts) {
        Map<String, Integer> counts = new HashMap<>();
        for (Dataset d : parts) {
            for (int i = 0; i < d.size(); i++) {
                float[] row = Arrays.copyOfRange(d.features(), i * d.numFeatures(), (i + 1) * d.numFeatures());
                counts.merge(Arrays.toString(row) + " -> " + d.labels()[i], 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void sizesAreRoundedFractionOfN() {
        Dataset d = rows(98); // N = 100
        HoldOut h = HoldOut.split(d, 0.3, 1);
        assertEquals(30, h.validation().size());
        assertEquals(70, h.train().size());
        // round half up: 0.255 * 100 = 25.5 -> 26
        assertEquals(26, HoldOut.split(d, 0.255, 1).validation().size());
        assertEquals(74, HoldOut.split(d, 0.255, 1).train().size());
        // the smallest non-empty hold-out: 0.005 * 100 = 0.5 -> 1
        assertEquals(1, HoldOut.split(d, 0.005, 1).validation().size());
        for (Dataset part : new Dataset[] {h.train(), h.validation()}) {
            assertEquals(FEATURES, part.numFeatures());
            assertEquals(4, part.numClasses());
            assertEquals(part.size() * FEATURES, part.features().length);
        }
        assertTrue(h.train().name().contains("rows") && h.validation().name().contains("validation"));
    }

    @Test
    void partsAreDisjointAndCoverEveryRowExactlyOnce() {
        Dataset d = rows(98);
        for (long seed : new long[] {1, 2, 3, 42}) {
            HoldOut h = HoldOut.split(d, 0.3, seed);
            assertEquals(multiset(d), multiset(h.train(), h.validation()), "seed " + seed);
            // disjoint as multisets: no row occurs more often in train + validation than in the data
            Map<String, Integer> train = multiset(h.train());
            Map<String, Integer> val = multiset(h.validation());
            Map<String, Integer> all = multiset(d);
            for (Map.Entry<String, Integer> e : val.entrySet()) {
                assertTrue(train.getOrDefault(e.getKey(), 0) + e.getValue() <= all.get(e.getKey()), e.getKey());
            }
        }
    }

    @Test
    void eachPartKeepsTheOriginalOrder() {
        Dataset d = rows(60); // no duplicates among the first 60, duplicates 0 and 1 at 60 and 61
        HoldOut h = HoldOut.split(d.slice(0, 60), 0.4, 5);
        for (Dataset part : new Dataset[] {h.train(), h.validation()}) {
            for (int i = 1; i < part.size(); i++) {
                assertTrue(part.features()[i * FEATURES] > part.features()[(i - 1) * FEATURES], part.name());
            }
        }
    }

    @Test
    void deterministicPerSeedAndDifferentAcrossSeeds() {
        Dataset d = rows(98);
        HoldOut a = HoldOut.split(d, 0.3, 11);
        HoldOut b = HoldOut.split(d, 0.3, 11);
        assertArrayEquals(a.validation().features(), b.validation().features());
        assertArrayEquals(a.validation().labels(), b.validation().labels());
        assertArrayEquals(a.train().features(), b.train().features());
        HoldOut c = HoldOut.split(d, 0.3, 12);
        assertFalse(Arrays.equals(a.validation().features(), c.validation().features()),
                "seeds 11 and 12 chose the same 30 of 100 rows");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void fractionsOutsideTheOpenUnitIntervalAreRejected(double fraction) {
        DataException e = assertThrows(DataException.class, () -> HoldOut.split(rows(98), fraction, 1));
        assertTrue(e.getMessage().contains(String.valueOf(fraction)), e.getMessage());
        assertTrue(e.getMessage().contains("fraction"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.004, 0.996})
    void fractionsThatLeaveAPartEmptyAreRejected(double fraction) {
        // 0.004 * 100 = 0.4 -> 0 held out; 0.996 * 100 = 99.6 -> all 100 held out
        DataException e = assertThrows(DataException.class, () -> HoldOut.split(rows(98), fraction, 1));
        assertTrue(e.getMessage().contains(String.valueOf(fraction)), e.getMessage());
        assertTrue(e.getMessage().contains("rows") && e.getMessage().contains("empty"), e.getMessage());
    }
}
