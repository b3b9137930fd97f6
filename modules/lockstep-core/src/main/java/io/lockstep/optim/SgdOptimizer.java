package io.lockstep.optim;

/**
 * Plain SGD: {@code update = lr * g}, as DL4J {@code SgdUpdater} (libnd4j {@code sgd_updater}:
 * the gradient times the learning rate cast to float). Stateless.
 */
public final class SgdOptimizer extends AbstractOptimizer {

    public SgdOptimizer(int numParams) {
        super(numParams, 0);
    }

    @Override
    public void computeUpdate(float[] params, float[] grad, double lr, long iteration, float[] update) {
        check(params, grad, lr, iteration, update);
        final float lrF = (float) lr;
        for (int i = 0; i < n; i++) {
            update[i] = grad[i] * lrF;
        }
    }

    @Override
    public String name() {
        return "sgd";
    }
}
