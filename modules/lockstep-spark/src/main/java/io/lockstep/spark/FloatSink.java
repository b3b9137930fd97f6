package io.lockstep.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes a stream of little-endian float bits, arriving in chunks of any length (as Netty reads them from the
 * socket), straight into a float array: no reassembly of the message, one copy. A float split across two
 * chunks is completed from the next one.
 */
final class FloatSink {
    private final float[] target;
    private final byte[] carry = new byte[Float.BYTES];
    private int carried;
    private int filled;

    FloatSink(float[] target) {
        this.target = target;
    }

    /** The array being filled. */
    float[] target() {
        return target;
    }

    /**
     * Appends the chunk's remaining bytes (the chunk's position is moved to its limit).
     *
     * @throws IOException when the chunk would overfill the array
     */
    void accept(ByteBuffer chunk) throws IOException {
        ByteBuffer b = chunk.slice().order(ByteOrder.LITTLE_ENDIAN);
        chunk.position(chunk.limit());
        if ((long) filled * Float.BYTES + carried + b.remaining() > (long) target.length * Float.BYTES) {
            throw new IOException("step channel: a message carries more than its " + target.length + " floats");
        }
        while (carried > 0 && b.hasRemaining()) {
            carry[carried++] = b.get();
            if (carried == Float.BYTES) {
                target[filled++] = ByteBuffer.wrap(carry).order(ByteOrder.LITTLE_ENDIAN).getFloat();
                carried = 0;
            }
        }
        int whole = b.remaining() / Float.BYTES;
        b.asFloatBuffer().get(target, filled, whole);
        filled += whole;
        b.position(b.position() + whole * Float.BYTES);
        while (b.hasRemaining()) {
            carry[carried++] = b.get();
        }
    }

    /**
     * Checks that the array is full.
     *
     * @throws IOException naming how many floats arrived, when it is not
     */
    float[] complete() throws IOException {
        if (filled != target.length || carried != 0) {
            throw new IOException("step channel: a message ended after " + filled + " of " + target.length + " floats");
        }
        return target;
    }
}
