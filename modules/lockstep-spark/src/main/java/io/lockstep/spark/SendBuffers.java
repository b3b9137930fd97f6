package io.lockstep.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reusable direct buffers for the step channel's large message bodies (parameters, gradient sums), so a step
 * allocates none: Netty writes a direct buffer to the socket without first copying it into one, and a new
 * megabyte-sized buffer per message would be a humongous allocation for G1. A {@link Lease} is returned to the
 * pool when its last holder releases it (the sender, until the round it belongs to is over, and every send of
 * it, until the peer acknowledged or the connection failed), so a buffer is never rewritten while a write of
 * it may still be in progress. Thread-safe; Netty's threads release.
 */
final class SendBuffers {
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    /** A little-endian direct buffer with room for {@code floats} floats, cleared, held once. */
    synchronized Lease take(int floats) {
        int bytes = floats * Float.BYTES;
        ByteBuffer b = free.pollFirst();
        while (b != null && b.capacity() < bytes) {
            b = free.pollFirst(); // a smaller model's buffer: dropped
        }
        if (b == null) {
            b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        b.clear().limit(bytes);
        return new Lease(b);
    }

    /** Buffers ready for reuse (for tests). */
    synchronized int freeCount() {
        return free.size();
    }

    private synchronized void giveBack(ByteBuffer b) {
        free.addFirst(b);
    }

    /** One use of a pooled buffer; its contents are read-only once written and {@link #retain}ed for a send. */
    final class Lease {
        private final ByteBuffer buffer;
        private final AtomicInteger holders = new AtomicInteger(1);

        private Lease(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        /** The buffer, positioned at 0 with the leased size as its limit. */
        ByteBuffer buffer() {
            return buffer;
        }

        /** A new holder (a send of the buffer): returns an independent view of the whole contents. */
        ByteBuffer retain() {
            if (holders.getAndIncrement() <= 0) {
                throw new IllegalStateException("send buffer retained after its release");
            }
            return buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(0);
        }

        /** One holder is done; the last one returns the buffer to the pool. */
        void release() {
            int left = holders.decrementAndGet();
            if (left == 0) {
                giveBack(buffer);
            } else if (left < 0) {
                throw new IllegalStateException("send buffer released more often than held");
            }
        }
    }
}
