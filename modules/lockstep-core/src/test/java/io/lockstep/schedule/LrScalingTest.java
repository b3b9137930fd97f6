package io.lockstep.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScalingTest {
    private static final double EPS = 1e-12;

    @Test
    void goyalExample() {
        // eta_ref 0.1 tuned at 256, run at 4096: k = 16
        assertEquals(0.1, LrScaling.NONE.scale(0.1, 4096, 256), EPS);
        assertEquals(1.6, LrScaling.LINEAR.scale(0.1, 4096, 256), EPS);
        assertEquals(0.4, LrScaling.SQRT.scale(0.1, 4096, 256), EPS);
    }

    @Test
    void referenceBatchLeavesTheRateUnchanged() {
        for (LrScaling s : LrScaling.values()) {
            assertEquals(0.05, s.scale(0.05, 128, 128), EPS, s.cliName());
        }
    }

    @Test
    void smallerBatchScalesDown() {
        assertEquals(0.1, LrScaling.NONE.scale(0.1, 64, 256), EPS);
        assertEquals(0.025, LrScaling.LINEAR.scale(0.1, 64, 256), EPS);
        assertEquals(0.05, LrScaling.SQRT.scale(0.1, 64, 256), EPS);
    }

    @Test
    void nonSquareRatio() {
        assertEquals(0.2, LrScaling.LINEAR.scale(0.1, 512, 256), EPS);
        assertEquals(0.1414213562373095, LrScaling.SQRT.scale(0.1, 512, 256), EPS); // 0.1*sqrt(2)
        assertEquals(0.3, LrScaling.LINEAR.scale(0.1, 96, 32), EPS);
        assertEquals(0.17320508075688773, LrScaling.SQRT.scale(0.1, 96, 32), EPS); // 0.1*sqrt(3)
    }

    @Test
    void invalidInputsAreNamed() {
        for (LrScaling s : LrScaling.values()) {
            assertMessage("referenceLr must be finite and > 0 (got 0.0)", () -> s.scale(0, 64, 64));
            assertMessage("referenceLr must be finite and > 0 (got -0.1)", () -> s.scale(-0.1, 64, 64));
            assertMessage("referenceLr must be finite and > 0 (got NaN)", () -> s.scale(Double.NaN, 64, 64));
            assertMessage("referenceLr must be finite and > 0 (got Infinity)",
                    () -> s.scale(Double.POSITIVE_INFINITY, 64, 64));
            assertMessage("globalBatch must be positive (got 0)", () -> s.scale(0.1, 0, 64));
            assertMessage("referenceBatch must be positive (got -8)", () -> s.scale(0.1, 64, -8));
        }
    }

    @Test
    void parseAcceptsCliNamesCaseInsensitively() {
        assertEquals(LrScaling.NONE, LrScaling.parse("none"));
        assertEquals(LrScaling.LINEAR, LrScaling.parse("LINEAR"));
        assertEquals(LrScaling.SQRT, LrScaling.parse(" Sqrt "));
        for (LrScaling s : LrScaling.values()) {
            assertEquals(s, LrScaling.parse(s.toString()));
        }
        assertEquals("none, linear, sqrt, adascale", LrScaling.validNames());
    }

    @Test
    void parseErrorListsValidNames() {
        assertMessage("unknown lr scaling 'cubic' (valid values: none, linear, sqrt, adascale)", () -> LrScaling.parse("cubic"));
        assertMessage("unknown lr scaling 'null' (valid values: none, linear, sqrt, adascale)", () -> LrScaling.parse(null));
    }

    static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(expected, e.getMessage());
    }
}
