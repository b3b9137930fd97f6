package io.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of the divergence rule: NaN/Inf, and loss > factor x smoothed minimum and > first loss. */
class DivergenceGuardTest {
    private static DivergenceGuard guard(double factor) {
        return DivergenceGuard.start(DivergenceConfig.halt().withLossFactor(factor));
    }

    @Test
    void nonFiniteLossOrGradientDiverges() {
        DivergenceGuard g = guard(10);
        assertEquals(Optional.of("loss is NaN"), g.check(Double.NaN, 1));
        assertEquals(Optional.of("loss is Infinity"), g.check(Double.POSITIVE_INFINITY, 1));
        assertEquals(Optional.of("gradient norm is NaN"), g.check(1, Double.NaN));
        assertEquals(Optional.of("gradient norm is Infinity"), g.check(1, Double.POSITIVE_INFINITY));
        DivergenceGuard later = g.accept(2.0);
        assertTrue(later.check(Double.NaN, 1).isPresent());
        assertTrue(later.check(1.0, Double.POSITIVE_INFINITY).isPresent());
    }

    @Test
    void theFirstStepOnlyChecksFiniteness() {
        assertTrue(guard(10).check(1e30, 1e30).isEmpty(), "nothing to compare the first loss with");
    }

    @Test
    void blowUpThresholdIsFactorTimesTheSmoothedMinimum() {
        // accept 2.0: first = smoothed = min = 2.0 -> threshold 10 x 2.0 = 20
        DivergenceGuard g = guard(10).accept(2.0);
        assertTrue(g.check(19.9, 1).isEmpty());
        assertTrue(g.check(20.0, 1).isEmpty(), "equal to the threshold is not above it");
        Optional<String> why = g.check(20.1, 1);
        assertTrue(why.isPresent());
        assertTrue(why.get().contains("20.10") && why.get().contains("10.0") && why.get().contains("2.000"), why.get());

        // accept 1.0: smoothed = 0.9 x 2 + 0.1 x 1 = 1.9 -> threshold 19
        g = g.accept(1.0);
        assertTrue(g.check(18.9, 1).isEmpty());
        assertTrue(g.check(19.1, 1).isPresent());

        // accept 10.0: smoothed = 0.9 x 1.9 + 0.1 x 10 = 2.71, the minimum stays 1.9 -> threshold still 19
        g = g.accept(10.0);
        assertTrue(g.check(19.1, 1).isPresent(), "the minimum of the smoothed loss, not the current value");
        assertTrue(g.check(18.9, 1).isEmpty());
    }

    @Test
    void aLossBelowTheFirstLossNeverCountsAsBlowUp() {
        // factor 2, first loss 10, then seven losses of 0: smoothed = 10 x 0.9^7 = 4.782969 -> threshold 9.565938
        DivergenceGuard g = guard(2).accept(10);
        for (int i = 0; i < 7; i++) {
            g = g.accept(0);
        }
        assertTrue(g.check(9.5, 1).isEmpty(), "below the threshold");
        assertTrue(g.check(9.8, 1).isEmpty(), "above 2 x 4.78 but below the first loss 10");
        assertTrue(g.check(10.0, 1).isEmpty(), "equal to the first loss");
        assertTrue(g.check(10.1, 1).isPresent(), "above both");
    }

    @Test
    void acceptReturnsANewStateAndLeavesTheOldOneUnchanged() {
        DivergenceGuard before = guard(10);
        DivergenceGuard after = before.accept(1.0);
        assertTrue(after.check(100, 1).isPresent());
        assertFalse(before.check(100, 1).isPresent(), "rolling back to an earlier guard restores its state");
        DivergenceGuard branch = after.accept(0.1); // smoothed 0.91 -> threshold 9.1
        assertTrue(branch.check(9.5, 1).isPresent());
        assertTrue(after.check(9.5, 1).isEmpty(), "threshold of 'after' is still 10");
    }
}
