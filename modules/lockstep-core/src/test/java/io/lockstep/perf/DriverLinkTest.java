package io.lockstep.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DriverLinkTest {
    /** c = 0.05 ms/example at every P, a = 0, o = 20 ms, k = u = 0, |θ| = 10⁶. */
    private static final StepTimeModel MODEL = new StepTimeModel(0.05, 20, 0, 0, 1_000_000, false, List.of());
    private static final DriverLink TEN = new DriverLink(10);

    @Test
    void linkTimeIsTwiceTheTasksParametersInFloatsOverTheBandwidth() {
        // 2 * 6 * 1e6 params * 4 bytes = 48e6 bytes = 384e6 bit; at 10e9 bit/s: 38.4 ms
        assertEquals(48e6, DriverLink.bytesPerStep(6, 1_000_000), 0);
        assertEquals(38.4, TEN.millis(6, 1_000_000), 1e-9);
        assertEquals(3.84, new DriverLink(100).millis(6, 1_000_000), 1e-9);
    }

    @Test
    void theBottleneckPTimesThetaMatchesAHandComputation() {
        // B = 4096. P = 5: link 2*5e6*32 bit / 1e10 = 32 ms < compute 0.05 * ceil(4096/5) = 0.05 * 820 = 41 ms.
        //           P = 6: link 38.4 ms > compute 0.05 * ceil(4096/6) = 0.05 * 683 = 34.15 ms: link-bound from P = 6.
        assertFalse(TEN.isBound(MODEL, 4096, 5));
        assertTrue(TEN.isBound(MODEL, 4096, 6));
        assertEquals(OptionalInt.of(6), TEN.firstBoundWorkers(MODEL, 4096));
        // at P = 5 the threshold is P*|θ| = 41 ms * 1e10 bit/s / 64 bit = 6.40625e6 > 5e6 (not yet bound)
        assertEquals(6.40625e6, TEN.boundProduct(41), 1e-3);
        // B = 2: compute 0.1 ms at P = 1 against a link of 6.4 ms: bound at once
        assertEquals(OptionalInt.of(1), TEN.firstBoundWorkers(MODEL, 2));
    }

    @Test
    void neverBoundWhenTheLinkIsFastEnoughForEveryPUpToB() {
        // at P = B = 64 compute is 0.05 ms, the link 2*64*1e6*32/1e14 s = 4.1e-3 ms at 100 Tb/s
        assertEquals(OptionalInt.empty(), new DriverLink(100_000).firstBoundWorkers(MODEL, 64));
    }

    @Test
    void theLinkFloorsThePredictedStepAndItsEfficiency() {
        // B = 4096, P = 16: T = 0.05 * 256 + 20 = 32.8 ms; link 2*16e6*32/1e10 s = 102.4 ms
        Prediction p = ScalingAdvice.predict(MODEL, null, TEN, 16, 4096);
        assertEquals(102.4, p.stepMillis(), 1e-9);
        assertEquals(32.8, p.time().totalMillis(), 1e-9);
        assertTrue(p.linkBound());
        // P = 1: T = 0.05 * 4096 + 20 = 224.8 ms (link 6.4 ms); efficiency 224.8 / (16 * 102.4)
        assertEquals(224.8 / (16 * 102.4), p.efficiency(), 1e-12);
        assertEquals(32.8, ScalingAdvice.predict(MODEL, null, null, 16, 4096).stepMillis(), 1e-9, "no link: no floor");
    }

    @Test
    void badBandwidthsAreRefusedNamingTheValue() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DriverLink(bad));
            assertTrue(e.getMessage().startsWith("driver link bandwidth must be a finite number of Gb/s > 0, got "),
                    e.getMessage());
        }
    }
}
