package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.data.StepShare;
import io.lockstep.grad.GradientSum;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The channel's messages carry every bit: raw float bits (NaN payloads, -0.0, subnormals) in chunks of any size,
 * shares, counts; send buffers are reused only after their last holder.
 */
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

    /** Sends {@code a} through a direct send buffer and decodes it from chunks of the given sizes, cycled. */
    private static float[] throughChunks(float[] a, int... chunkSizes) throws IOException {
        SendBuffers.Lease lease = new SendBuffers().take(a.length);
        ChannelMessages.putFloats(a, lease.buffer());
        ByteBuffer wire = lease.retain();
        FloatSink sink = new FloatSink(new float[a.length]);
        for (int i = 0; wire.hasRemaining(); i++) {
            int n = Math.min(chunkSizes[i % chunkSizes.length], wire.remaining());
            ByteBuffer chunk = wire.slice().limit(n);
            wire.position(wire.position() + n);
            sink.accept(chunk);
            assertEquals(0, chunk.remaining(), "a chunk is consumed whole");
        }
        return sink.complete();
    }

    @Test
    void floatsSurviveAnyChunkingBitForBit() throws IOException {
        float[] params = awkwardFloats(1000, 1);
        assertArrayEquals(bits(params), bits(throughChunks(params, 4000)));
        assertArrayEquals(bits(params), bits(throughChunks(params, 1)));
        assertArrayEquals(bits(params), bits(throughChunks(params, 3, 5, 1021, 2)));
        assertArrayEquals(bits(params), bits(throughChunks(params, 7, 65536)));
    }

    @Test
    void shortOrLongStreamsAreRefused() throws IOException {
        FloatSink sink = new FloatSink(new float[2]);
        sink.accept(ByteBuffer.allocate(6));
        assertThrows(IOException.class, sink::complete, "6 of 8 bytes");
        FloatSink full = new FloatSink(new float[2]);
        assertThrows(IOException.class, () -> full.accept(ByteBuffer.allocate(9)));
    }

    @Test
    void sendBuffersReturnOnlyAfterTheLastHolder() {
        SendBuffers pool = new SendBuffers();
        SendBuffers.Lease a = pool.take(10);
        a.retain();
        a.retain();
        a.release();
        a.release();
        assertEquals(0, pool.freeCount(), "one send still holds it");
        a.release();
        assertEquals(1, pool.freeCount());
        SendBuffers.Lease b = pool.take(8);
        assertSame(a.buffer(), b.buffer(), "reused");
        assertEquals(32, b.buffer().limit());
        assertNotSame(a.buffer(), pool.take(8).buffer(), "a held buffer is not handed out twice");
        b.release();
        assertThrows(IllegalStateException.class, b::release);
    }

    @Test
    void stepHeadersRoundTrip() {
        StepShare share = new StepShare(new int[] {9, 3, 7, 1, 5}, new int[] {2, 5}, 4);
        ChannelMessages.StepHeader h = ChannelMessages.readStepHeader(
                ChannelMessages.stepHeader(new ChannelMessages.StepHeader(17, 40, 1000, share)));
        assertEquals(17, h.step());
        assertEquals(40, h.round());
        assertEquals(1000, h.params());
        assertArrayEquals(share.rows(), h.share().rows());
        assertArrayEquals(share.ghostEnds(), h.share().ghostEnds());
        assertEquals(4, h.share().firstGhost());
        ChannelMessages.StepHeader empty = ChannelMessages.readStepHeader(
                ChannelMessages.stepHeader(new ChannelMessages.StepHeader(3, 1, 10, StepShare.empty(2))));
        assertEquals(0, empty.share().size());
        assertEquals(2, empty.share().firstGhost());
    }

    @Test
    void resultsRoundTripBitForBit() throws IOException {
        float[] g = awkwardFloats(777, 2);
        TaskResult r = new TaskResult(new GradientSum(g, 12.345678901234, 31, 4, 0.1 + 0.2), 3.25);
        ChannelMessages.ResultHeader h = ChannelMessages.readResultHeader(ChannelMessages.resultHeader(9, 1, r));
        assertEquals(9, h.round());
        assertEquals(1, h.partition());
        assertEquals(777, h.gradientLength());
        TaskResult back = h.toResult(throughChunks(g, 333));
        assertArrayEquals(bits(g), bits(back.partial().gradientSum()));
        assertEquals(r.partial().lossSum(), back.partial().lossSum());
        assertEquals(31, back.partial().count());
        assertEquals(4, back.partial().parts());
        assertEquals(r.partial().partSqNormSum(), back.partial().partSqNormSum());
        assertEquals(3.25, back.computeMillis());
        ChannelMessages.ResultHeader none = ChannelMessages.readResultHeader(
                ChannelMessages.resultHeader(2, 0, PartitionGradient.empty()));
        assertEquals(-1, none.gradientLength());
        assertEquals(0, none.toResult(null).partial().count());
        assertNull(none.toResult(null).partial().gradientSum());
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
