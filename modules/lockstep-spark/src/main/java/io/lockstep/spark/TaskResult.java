package io.lockstep.spark;

import io.lockstep.grad.GradientSum;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * A gradient task's output: its partial and how long the gradient computation took inside the task.
 * Externalizable so the gradient array travels as one bulk copy.
 */
final class TaskResult implements Externalizable {
    private static final long serialVersionUID = 1L;

    private GradientSum partial;
    private double computeMillis;

    /** For deserialization only. */
    public TaskResult() {}

    TaskResult(GradientSum partial, double computeMillis) {
        this.partial = partial;
        this.computeMillis = computeMillis;
    }

    GradientSum partial() {
        return partial;
    }

    double computeMillis() {
        return computeMillis;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        out.writeDouble(computeMillis);
        out.writeLong(partial.count());
        out.writeInt(partial.parts());
        out.writeDouble(partial.lossSum());
        out.writeDouble(partial.partSqNormSum());
        FloatArrays.write(out, partial.gradientSum());
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        computeMillis = in.readDouble();
        long count = in.readLong();
        int parts = in.readInt();
        double lossSum = in.readDouble();
        double sq = in.readDouble();
        float[] g = FloatArrays.read(in);
        partial = count == 0 ? GradientSum.empty() : new GradientSum(g, lossSum, count, parts, sq);
    }
}
