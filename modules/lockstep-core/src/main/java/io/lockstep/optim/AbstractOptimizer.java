package io.lockstep.optim;

/** Shared state handling and argument checks. */
abstract class AbstractOptimizer implements Optimizer {
    protected final int n;
    protected final float[][] state;

    AbstractOptimizer(int numParams, int numStateArrays) {
        if (numParams < 0) {
            throw new IllegalArgumentException("numParams must be >= 0 (got " + numParams + ")");
        }
        this.n = numParams;
        this.state = new float[numStateArrays][numParams];
    }

    @Override
    public final int numParams() {
        return n;
    }

    @Override
    public final float[][] state() {
        float[][] copy = new float[state.length][];
        for (int i = 0; i < state.length; i++) {
            copy[i] = state[i].clone();
        }
        return copy;
    }

    @Override
    public final void restoreState(float[][] s) {
        if (s == null || s.length != state.length) {
            throw new IllegalArgumentException(name() + " state must have " + state.length + " arrays (got "
                    + (s == null ? "null" : s.length) + ")");
        }
        for (int i = 0; i < s.length; i++) {
            if (s[i] == null || s[i].length != n) {
                throw new IllegalArgumentException(name() + " state array " + i + " must have length " + n
                        + " (got " + (s[i] == null ? "null" : s[i].length) + ")");
            }
        }
        for (int i = 0; i < s.length; i++) {
            System.arraycopy(s[i], 0, state[i], 0, n);
        }
    }

    /** Scales {@code state[index]} in place by {@code (float) ratio}: the velocity rescaling helper. */
    protected final void scaleState(int index, double ratio) {
        if (!(Double.isFinite(ratio) && ratio > 0)) {
            throw new IllegalArgumentException("velocity rescale ratio must be finite and > 0 (got " + ratio + ")");
        }
        final float r = (float) ratio;
        final float[] s = state[index];
        for (int i = 0; i < n; i++) {
            s[i] = s[i] * r;
        }
    }

    protected final void check(float[] params, float[] grad, double lr, long iteration, float[] update) {
        if (params.length != n || grad.length != n || update.length != n) {
            throw new IllegalArgumentException(name() + ": expected arrays of length " + n + " (params "
                    + params.length + ", grad " + grad.length + ", update " + update.length + ")");
        }
        if (!Double.isFinite(lr) || lr < 0) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0 (got " + lr + ")");
        }
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0 (got " + iteration + ")");
        }
    }

    @Override
    public String toString() {
        return name() + "[" + n + "]";
    }
}
