package io.lockstep.spark;

import io.lockstep.data.StepShare;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * What one step broadcasts: the flat parameters and, per partition, its share of the batch (whole ghost
 * batches of local rows). Externalizable so the parameters travel as one bulk copy.
 */
final class StepInput implements Externalizable {
    private static final long serialVersionUID = 1L;

    private float[] params;
    private StepShare[] shares;

    /** For deserialization only. */
    public StepInput() {}

    StepInput(float[] params, StepShare[] shares) {
        this.params = params;
        this.shares = shares;
    }

    float[] params() {
        return params;
    }

    StepShare[] shares() {
        return shares;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        FloatArrays.write(out, params);
        out.writeObject(shares);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
        params = FloatArrays.read(in);
        shares = (StepShare[]) in.readObject();
    }
}
