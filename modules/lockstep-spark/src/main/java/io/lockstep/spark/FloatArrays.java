package io.lockstep.spark;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;

/**
 * Bulk (de)serialization of {@code float[]} for the per-step messages: one byte-array copy instead of
 * Java serialization's element-by-element {@code writeFloats}.
 */
final class FloatArrays {
    private FloatArrays() {}

    static void write(ObjectOutput out, float[] a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        ByteBuffer bytes = ByteBuffer.allocate(a.length * Float.BYTES);
        bytes.asFloatBuffer().put(a);
        out.write(bytes.array());
    }

    static float[] read(ObjectInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] bytes = new byte[n * Float.BYTES];
        in.readFully(bytes);
        float[] a = new float[n];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(a);
        return a;
    }
}
