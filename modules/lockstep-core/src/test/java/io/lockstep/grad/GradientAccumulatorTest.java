package io.lockstep.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The driver-side merge rule: partials are gradient <b>sums</b> with counts, added in a fixed order and
 * divided once by the total count B.
 */
class GradientAccumulatorTest {
    private static final int N = 7;

    /** A partial whose gradient sum is {@code count} copies of a per-example gradient drawn from {@code rng}. */
    private static GradientSum partial(Random rng, int count) {
        if (count == 0) {
            return GradientSum.empty();
        }
        float[] sum = new float[N];
        double loss = 0;
        for (int e = 0; e < count; e++) {
            for (int i = 0; i < N; i++) {
                sum[i] += (float) rng.nextGaussian();
            }
            loss += rng.nextDouble();
        }
        return GradientSum.of(sum, loss, count);
    }

    @Test
    void mergingAnEmptyPartialChangesNothing() {
        Random rng = new Random(1);
        GradientSum a = partial(rng, 3);
        GradientSum b = partial(rng, 4);

        GradientAccumulator without = new GradientAccumulator(N).add(a).add(b);
        GradientAccumulator with = new GradientAccumulator(N).add(GradientSum.empty()).add(a)
                .add(GradientSum.empty()).add(b).add(GradientSum.empty());

        assertArrayEquals(without.meanGradient(), with.meanGradient());
        assertEquals(without.meanLoss(), with.meanLoss());
        assertEquals(without.lossSum(), with.lossSum());
        assertEquals(without.count(), with.count());
        assertEquals(without.meanSmallBatchSqNorm(), with.meanSmallBatchSqNorm());
        assertEquals(2, with.nonEmptyWorkers(), "empty partials are not counted as contributing workers");
    }

    @Test
    void emptyPartialIsNotCheckedForLength() {
        // An empty partial carries no gradient array at all; it must be accepted by any accumulator.
        GradientSum empty = GradientSum.empty();
        assertTrue(empty.isEmpty());
        assertEquals(0, new GradientAccumulator(3).add(empty).count());
    }

    @Test
    void fixedOrderIsBitIdenticalAcrossReruns() {
        Random rng = new Random(2);
        GradientSum[] parts = new GradientSum[8];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = partial(rng, 1 + i * 3);
        }
        GradientAccumulator first = new GradientAccumulator(N);
        GradientAccumulator second = new GradientAccumulator(N);
        for (GradientSum p : parts) {
            first.add(p);
        }
        for (GradientSum p : parts) {
            second.add(p);
        }
        assertArrayEquals(first.meanGradient(), second.meanGradient());
        assertEquals(first.lossSum(), second.lossSum());
        assertEquals(first.meanSmallBatchSqNorm(), second.meanSmallBatchSqNorm());

        // ... and equals the explicit left-to-right double-precision sum divided once by B.
        long total = 0;
        double[] expected = new double[N];
        for (GradientSum p : parts) {
            total += p.count();
            for (int i = 0; i < N; i++) {
                expected[i] += p.gradientSum()[i];
            }
        }
        float[] mean = first.meanGradient();
        for (int i = 0; i < N; i++) {
            assertEquals((float) (expected[i] / total), mean[i]);
        }
    }

    @Test
    void unevenCountsAreWeightedAndTheUnweightedRuleIsWrong() {
        int[] counts = {1, 5, 0, 10};
        Random rng = new Random(3);
        GradientAccumulator acc = new GradientAccumulator(N);
        double[] sumOfSums = new double[N];
        double[] meanOfMeans = new double[N];
        double lossSum = 0;
        int nonEmpty = 0;
        GradientSum[] parts = new GradientSum[counts.length];
        for (int w = 0; w < counts.length; w++) {
            parts[w] = partial(rng, counts[w]);
            acc.add(parts[w]);
            if (counts[w] > 0) {
                nonEmpty++;
                lossSum += parts[w].lossSum();
                for (int i = 0; i < N; i++) {
                    sumOfSums[i] += parts[w].gradientSum()[i];
                }
            }
        }
        for (GradientSum p : parts) {
            if (!p.isEmpty()) {
                for (int i = 0; i < N; i++) {
                    meanOfMeans[i] += p.gradientSum()[i] / p.count() / nonEmpty;
                }
            }
        }
        assertEquals(16, acc.count());
        assertEquals(3, acc.nonEmptyWorkers());
        assertEquals(lossSum / 16, acc.meanLoss(), 1e-12);

        float[] mean = acc.meanGradient();
        double maxWrongDiff = 0;
        for (int i = 0; i < N; i++) {
            assertEquals(sumOfSums[i] / 16, mean[i], 1e-6, "G_B = (Σ sums) / B at element " + i);
            maxWrongDiff = Math.max(maxWrongDiff, Math.abs(meanOfMeans[i] - mean[i]));
        }
        // The unweighted mean of per-worker means gives the 1-example worker as much say as the
        // 10-example one: visibly different, so an implementation using it would fail the check above.
        assertTrue(maxWrongDiff > 0.05, "unweighted mean of means should differ, max diff " + maxWrongDiff);
    }

    @Test
    void summingWithoutDividingWouldScaleByB() {
        // Two identical workers with 4 examples each of the same gradient: the mean is that gradient.
        float[] perExample = {0.5f, -1f, 2f};
        float[] sum = new float[3];
        for (int i = 0; i < 3; i++) {
            sum[i] = 4 * perExample[i];
        }
        GradientAccumulator acc = new GradientAccumulator(3).add(GradientSum.of(sum, 4.0, 4))
                .add(GradientSum.of(sum.clone(), 4.0, 4));
        assertArrayEquals(perExample, acc.meanGradient(), 0f);
        assertEquals(1.0, acc.meanLoss());
        assertEquals(8.0, acc.lossSum());
    }

    @Test
    void zeroTotalCountThrowsSayingTheCountIsZero() {
        GradientAccumulator acc = new GradientAccumulator(N).add(GradientSum.empty()).add(GradientSum.empty());
        assertEquals(0, acc.count());
        for (org.junit.jupiter.api.function.Executable call : new org.junit.jupiter.api.function.Executable[] {
                acc::meanGradient, acc::meanLoss, acc::meanSmallBatchSqNorm}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().contains("count is 0"), e.getMessage());
        }
    }

    @Test
    void wrongGradientLengthIsRejected() {
        GradientAccumulator acc = new GradientAccumulator(N);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> acc.add(GradientSum.of(new float[N + 1], 0.0, 2)));
        assertTrue(e.getMessage().contains(String.valueOf(N + 1)) && e.getMessage().contains(String.valueOf(N)),
                e.getMessage());
        assertEquals(0, acc.count(), "a rejected partial must not be counted");
        assertThrows(IllegalArgumentException.class, () -> new GradientAccumulator(0));
    }

    @Test
    void meanWorkerGradientSqNormIsCountWeighted() {
        int[] counts = {2, 6, 0, 1};
        Random rng = new Random(4);
        GradientAccumulator acc = new GradientAccumulator(N);
        double weighted = 0;
        double unweighted = 0;
        int nonEmpty = 0;
        for (int c : counts) {
            GradientSum p = partial(rng, c);
            acc.add(p);
            if (c > 0) {
                double sq = 0;
                for (float g : p.gradientSum()) {
                    double m = (double) g / c;
                    sq += m * m;
                }
                assertEquals(sq, p.meanGradientSqNorm(), 1e-9 * sq, "‖g_i‖² of the worker's mean gradient");
                weighted += c * sq;
                unweighted += sq;
                nonEmpty++;
            }
        }
        weighted /= 9;
        unweighted /= nonEmpty;
        assertEquals(weighted, acc.meanSmallBatchSqNorm(), 1e-9 * weighted);
        assertTrue(Math.abs(unweighted - weighted) > 1e-3 * weighted, "test must distinguish the weighting");
    }

    @Test
    void gradientSumValidation() {
        assertSame(GradientSum.empty(), GradientSum.empty());
        assertThrows(IllegalArgumentException.class, () -> new GradientSum(new float[1], 0, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new GradientSum(null, 0, 3, 1, 0));
    }

    @Test
    void evalSumMergeWithEmptyIsIdentity() {
        EvalSum s = new EvalSum(3.5, 4, 7);
        assertEquals(s, s.merge(EvalSum.empty()));
        assertEquals(s, EvalSum.empty().merge(s));
        EvalSum t = new EvalSum(1.5, 1, 3);
        EvalSum m = s.merge(t);
        assertEquals(new EvalSum(5.0, 5, 10), m);
        assertEquals(0.5, m.accuracy());
        assertEquals(0.5, m.meanLoss());
        assertEquals(m, t.merge(s), "merge is commutative on the totals");
    }

    @Test
    void emptyEvalSumHasNoAccuracyOrLoss() {
        IllegalStateException a = assertThrows(IllegalStateException.class, () -> EvalSum.empty().accuracy());
        assertTrue(a.getMessage().contains("count is 0"), a.getMessage());
        IllegalStateException l = assertThrows(IllegalStateException.class,
                () -> EvalSum.empty().merge(EvalSum.empty()).meanLoss());
        assertTrue(l.getMessage().contains("count is 0"), l.getMessage());
    }

    @Test
    void aResetAccumulatorEqualsANewOneBitForBit() {
        Random rng = new Random(5);
        GradientAccumulator reused = new GradientAccumulator(N);
        reused.add(partial(rng, 6)).add(partial(rng, 2));
        reused.meanGradient();
        float[] minusZero = new float[N];
        java.util.Arrays.fill(minusZero, -0.0f);
        GradientSum negZero = new GradientSum(minusZero, 1.0, 2, 1, 0.0);
        for (GradientSum[] step : new GradientSum[][] {{partial(rng, 3), partial(rng, 5)}, {negZero, negZero},
                {GradientSum.empty(), partial(rng, 1), partial(rng, 4)}}) {
            GradientAccumulator fresh = new GradientAccumulator(N);
            reused.reset();
            for (GradientSum g : step) {
                fresh.add(g);
                reused.add(g);
            }
            assertEquals(fresh.count(), reused.count());
            assertEquals(fresh.lossSum(), reused.lossSum());
            assertEquals(fresh.smallBatches(), reused.smallBatches());
            assertEquals(fresh.meanSmallBatchSqNorm(), reused.meanSmallBatchSqNorm());
            float[] a = fresh.meanGradient();
            float[] b = reused.meanGradient();
            for (int i = 0; i < N; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "entry " + i);
            }
        }
        assertEquals(Float.floatToRawIntBits(0.0f), Float.floatToRawIntBits(reused.reset().add(negZero).meanGradient()[0]),
                "-0.0 + -0.0 starts from +0.0, as a zeroed sum does");
    }
}
