package io.lockstep.model;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between Java {@code float[]} and contiguous float32 ND4J arrays through the native
 * buffer's NIO view ({@code Nd4j.create(float[])} copies element by element, which showed up as
 * the largest Java-side cost of a step in profiles). The {@code ...Into} methods overwrite every
 * element of an existing matrix, so a caller can reuse one matrix across passes.
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
     * A new uninitialized row-major {@code rows × cols} float32 matrix outside any workspace, so that it
     * stays valid when kept across passes (whatever workspace the caller is in).
     */
    static INDArray detachedMatrix(int rows, int cols) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
        }
    }

    /**
     * A new row-major {@code rows.length × cols} float32 matrix whose row i is row {@code rows[i]} of
     * the row-major {@code source} (rows of {@code cols} values), copied straight into the native
     * buffer without an intermediate Java array.
     */
    static INDArray gatherRows(float[] source, int[] rows, int cols) {
        INDArray m = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows.length, cols}, 'c');
        gatherRowsInto(m, source, rows, 0, rows.length, cols);
        return m;
    }

    /**
     * Overwrites the {@code (to − from) × cols} matrix {@code target}: its row i becomes row {@code rows[from + i]}
     * of the row-major {@code source}.
     */
    static void gatherRowsInto(INDArray target, float[] source, int[] rows, int from, int to, int cols) {
        FloatBuffer out = view(target, to - from, cols);
        for (int i = from; i < to; i++) {
            out.put(source, rows[i] * cols, cols);
        }
    }

    /** Overwrites the {@code (to − from) × cols} matrix {@code target} with rows {@code [from, to)} of {@code source}. */
    static void copyRowsInto(INDArray target, float[] source, int from, int to, int cols) {
        view(target, to - from, cols).put(source, from * cols, (to - from) * cols);
    }

    /** A new {@code rows.length × classes} float32 matrix whose row i is the one-hot code of {@code labels[rows[i]]}. */
    static INDArray oneHot(int[] labels, int[] rows, int classes) {
        INDArray m = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows.length, classes}, 'c');
        oneHotInto(m, labels, rows, 0, rows.length, classes);
        return m;
    }

    /**
     * Overwrites the {@code (to − from) × classes} matrix {@code target}: its row i becomes the one-hot code of
     * {@code labels[rows[from + i]]}.
     */
    static void oneHotInto(INDArray target, int[] labels, int[] rows, int from, int to, int classes) {
        FloatBuffer out = view(target, to - from, classes);
        float[] zeros = new float[classes];
        for (int i = from; i < to; i++) {
            putOneHot(out, zeros, labels[rows[i]]);
        }
    }

    /** Overwrites the {@code (to − from) × classes} matrix {@code target} with the one-hot codes of {@code labels[from..to)}. */
    static void oneHotRangeInto(INDArray target, int[] labels, int from, int to, int classes) {
        FloatBuffer out = view(target, to - from, classes);
        float[] zeros = new float[classes];
        for (int i = from; i < to; i++) {
            putOneHot(out, zeros, labels[i]);
        }
    }

    /** Appends one row of {@code zeros.length} values at the buffer's position, 1 at {@code label}, 0 elsewhere. */
    private static void putOneHot(FloatBuffer out, float[] zeros, int label) {
        if (label < 0 || label >= zeros.length) {
            throw new IndexOutOfBoundsException("label " + label + " is outside [0, " + zeros.length + ")");
        }
        int row = out.position();
        out.put(zeros);
        out.put(row + label, 1f);
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
        return copyTo(source, new float[(int) source.length()]);
    }

    /** Overwrites {@code target} with the contiguous float32 array {@code source}; returns {@code target}. */
    static float[] copyTo(INDArray source, float[] target) {
        if (source.length() != target.length) {
            throw new IllegalArgumentException("cannot copy an array of " + source.length() + " values into "
                    + target.length);
        }
        view(source).get(target);
        return target;
    }

    /** {@link #view(INDArray)} of a matrix that must be {@code rows × cols}. */
    private static FloatBuffer view(INDArray m, int rows, int cols) {
        if (m.rank() != 2 || m.size(0) != rows || m.size(1) != cols) {
            throw new IllegalArgumentException("expected a " + rows + " x " + cols + " matrix, got "
                    + m.shapeInfoToString());
        }
        return view(m);
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
