package io.lockstep.spark;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;

/**
 * Bulk (de)serialization of {@code float[]} for the per-step messages: the floats travel as raw
 * big-endian bytes, converted through one small reused chunk instead of Java serialization's
 * element-by-element {@code writeFloats} and without a second array of the message's full size (a
 * 1 MB temporary is a "humongous" allocation for G1, and there are two per task and step).
 */
final class FloatArrays {
    /** Floats per conversion chunk (64 KiB of bytes). */
    static final int CHUNK = 16_384;

    private FloatArrays() {}

    /** {@code spare} when it holds {@code n} floats (to be overwritten), else a new array of {@code n}. */
    static float[] reuseOrNew(float[] spare, int n) {
        return spare != null && spare.length == n ? spare : new float[n];
    }

    static void write(ObjectOutput out, float[] a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        ByteBuffer bytes = ByteBuffer.allocate(Math.min(a.length, CHUNK) * Float.BYTES);
        for (int from = 0; from < a.length; from += CHUNK) {
            int n = Math.min(CHUNK, a.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(a, from, n);
            out.write(bytes.array(), 0, n * Float.BYTES);
        }
    }

    static float[] read(ObjectInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] a = new float[n];
        ByteBuffer bytes = ByteBuffer.allocate(Math.min(n, CHUNK) * Float.BYTES);
        for (int from = 0; from < n; from += CHUNK) {
            int m = Math.min(CHUNK, n - from);
            in.readFully(bytes.array(), 0, m * Float.BYTES);
            bytes.clear();
            bytes.asFloatBuffer().get(a, from, m);
        }
        return a;
    }
}
