package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.data.StepShare;
import io.lockstep.grad.GradientSum;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The channel's messages carry every bit: raw float bits (NaN payloads, -0.0, subnormals), shares, counts. */
class ChannelMessagesTest {
    private static float[] awkwardFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.intBitsToFloat(r.nextInt());
        }
        a[0] = -0.0f;
        a[1] = Float.intBitsToFloat(0x7fc00123); // a NaN with a payload
        a[2] = Float.MIN_VALUE;
        return a;
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    @Test
    void stepOrdersRoundTripBitForBit() {
        float[] params = awkwardFloats(1000, 1);
        StepShare share = new StepShare(new int[] {9, 3, 7, 1, 5}, new int[] {2, 5}, 4);
        ByteBuffer wire = ChannelMessages.stepOrder(17, params, share);
        assertEquals(ChannelMessages.STEP, ChannelMessages.type(wire));
        ChannelMessages.StepOrder o = ChannelMessages.readStepOrder(wire);
        assertEquals(17, o.step());
        assertArrayEquals(bits(params), bits(o.params()));
        assertArrayEquals(share.rows(), o.share().rows());
        assertArrayEquals(share.ghostEnds(), o.share().ghostEnds());
        assertEquals(4, o.share().firstGhost());
        ChannelMessages.StepOrder empty = ChannelMessages.readStepOrder(ChannelMessages.stepOrder(3, params, StepShare.empty(2)));
        assertEquals(0, empty.share().size());
        assertEquals(2, empty.share().firstGhost());
    }

    @Test
    void resultsRoundTripBitForBit() {
        float[] g = awkwardFloats(777, 2);
        TaskResult r = new TaskResult(new GradientSum(g, 12.345678901234, 31, 4, 0.1 + 0.2), 3.25);
        TaskResult back = ChannelMessages.readResult(ChannelMessages.result(r));
        assertArrayEquals(bits(g), bits(back.partial().gradientSum()));
        assertEquals(r.partial().lossSum(), back.partial().lossSum());
        assertEquals(31, back.partial().count());
        assertEquals(4, back.partial().parts());
        assertEquals(r.partial().partSqNormSum(), back.partial().partSqNormSum());
        assertEquals(3.25, back.computeMillis());
        TaskResult none = ChannelMessages.readResult(ChannelMessages.result(PartitionGradient.empty()));
        assertEquals(0, none.partial().count());
        assertNull(none.partial().gradientSum());
    }

    @Test
    void registrationsAndRejectionsRoundTrip() {
        ChannelMessages.Registration r = new ChannelMessages.Registration("5f0c-ü/3", 2, 7);
        assertEquals(r, ChannelMessages.readRegistration(ChannelMessages.register(r)));
        assertEquals("why", ChannelMessages.readRejection(ChannelMessages.rejected("why")));
        assertThrows(IllegalArgumentException.class,
                () -> ChannelMessages.readRegistration(ChannelMessages.signal(ChannelMessages.STOP)));
    }
}
