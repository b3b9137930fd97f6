package io.lockstep.model;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between Java {@code float[]} and contiguous float32 ND4J arrays through the native
 * buffer's NIO view ({@code Nd4j.create(float[])} copies element by element, which showed up as
 * the largest Java-side cost of a step in profiles).
 */
final class NdBuffers {
    private NdBuffers() {}

    /** A new row-major {@code rows × cols} float32 matrix holding {@code values}. */
    static INDArray matrix(float[] values, int rows, int cols) {
        INDArray m = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
        view(m).put(values);
        return m;
    }

    /**
     * A new row-major {@code rows.length × cols} float32 matrix whose row i is row {@code rows[i]} of
     * the row-major {@code source} (rows of {@code cols} values), copied straight into the native
     * buffer without an intermediate Java array.
     */
    static INDArray gatherRows(float[] source, int[] rows, int cols) {
        INDArray m = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows.length, cols}, 'c');
        FloatBuffer out = view(m);
        for (int row : rows) {
            out.put(source, row * cols, cols);
        }
        return m;
    }

    /** A new {@code rows.length × classes} float32 matrix whose row i is the one-hot code of {@code labels[rows[i]]}. */
    static INDArray oneHot(int[] labels, int[] rows, int classes) {
        float[] y = new float[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            y[i * classes + labels[rows[i]]] = 1f;
        }
        return matrix(y, rows.length, classes);
    }

    /** Overwrites the contiguous float32 array {@code target} with {@code values}. */
    static void copyInto(float[] values, INDArray target) {
        if (target.length() != values.length) {
            throw new IllegalArgumentException("cannot copy " + values.length + " values into an array of "
                    + target.length());
        }
        view(target).put(values);
    }

    /** A copy of the contiguous float32 array {@code source}. */
    static float[] toFloats(INDArray source) {
        float[] out = new float[(int) source.length()];
        view(source).get(out);
        return out;
    }

    private static FloatBuffer view(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.isView() && !isContiguous(a)) {
            throw new IllegalArgumentException("expected a contiguous float32 array, got " + a.shapeInfoToString());
        }
        FloatBuffer b = a.data().asNioFloat();
        b.position((int) a.offset());
        b.limit((int) (a.offset() + a.length()));
        return b.slice();
    }

    private static boolean isContiguous(INDArray a) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1;
    }
}
