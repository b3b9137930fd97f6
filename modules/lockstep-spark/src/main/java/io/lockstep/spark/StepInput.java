package io.lockstep.spark;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * What one step broadcasts: the flat parameters and, per partition, the local rows of its share of
 * the batch. Externalizable so the parameters travel as one bulk copy.
 */
final class StepInput implements Externalizable {
    private static final long serialVersionUID = 1L;

    private float[] params;
    private int[][] rows;

    /** For deserialization only. */
    public StepInput() {}

    StepInput(float[] params, int[][] rows) {
        this.params = params;
        this.rows = rows;
    }

    float[] params() {
        return params;
    }

    int[][] rows() {
        return rows;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        FloatArrays.write(out, params);
        out.writeObject(rows);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
        params = FloatArrays.read(in);
        rows = (int[][]) in.readObject();
    }
}
