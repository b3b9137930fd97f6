package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatArraysTest {
    private static byte[] written(float[] a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            FloatArrays.write(out, a);
            out.writeInt(12345); // what follows the array must still be readable
        }
        return bytes.toByteArray();
    }

    private static float[] roundTrip(float[] a) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(written(a)))) {
            float[] back = FloatArrays.read(in);
            assertEquals(12345, in.readInt());
            return back;
        }
    }

    @Test
    void everyLengthAroundTheChunkSizeRoundTripsBitForBit() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        int c = FloatArrays.CHUNK;
        for (int n : new int[] {0, 1, 7, c - 1, c, c + 1, 2 * c, 269_322}) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) r.nextGaussian();
            }
            if (n > 3) {
                a[0] = Float.NaN;
                a[1] = -0.0f;
                a[2] = Float.NEGATIVE_INFINITY;
                a[3] = Float.MIN_VALUE;
            }
            float[] back = roundTrip(a);
            assertEquals(n, back.length);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(back[i]), "n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void nullRoundTripsAsNull() throws IOException {
        assertNull(roundTrip(null));
    }

    @Test
    void aTruncatedStreamFailsInsteadOfReturningZeros() throws IOException {
        byte[] full = written(new float[FloatArrays.CHUNK + 5]);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 100);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(cut))) {
            assertThrows(IOException.class, () -> FloatArrays.read(in));
        }
    }

    @Test
    void stepMessagesRoundTripThroughJavaSerialization() throws Exception {
        float[] params = {1f, -2f, 3.5f};
        StepInput in = new StepInput(params, new io.lockstep.data.StepShare[] {
            new io.lockstep.data.StepShare(new int[] {0, 2}, new int[] {1, 2}, 0), io.lockstep.data.StepShare.empty(2)});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(in);
        }
        try (ObjectInputStream back = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            StepInput copy = (StepInput) back.readObject();
            assertArrayEquals(params, copy.params());
            assertArrayEquals(new int[] {0, 2}, copy.shares()[0].rows());
            assertArrayEquals(new int[] {1, 2}, copy.shares()[0].ghostEnds());
            assertEquals(0, copy.shares()[1].size());
            assertEquals(2, copy.shares()[1].firstGhost());
        }
    }
}
