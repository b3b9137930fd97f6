package io.lockstep.spark;

import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.PlainDl4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The single-process references of the equivalence tests: {@link PlainDl4j} (plain DL4J only, on
 * Lockstep's batch plan) and the error measure.
 */
final class Dl4jReference {
    private Dl4jReference() {}

    /** DL4J's own {@code fit} on each whole global batch. */
    static float[] train(ModelAdapter model, Dataset data, int globalBatch, long seed, long steps,
                         IUpdater updater, double l2) {
        return PlainDl4j.train(model, data, globalBatch, 0, seed, steps, updater, l2, false);
    }

    /** DL4J passes over ghost batches of {@code ghostBatch}, one DL4J update per step. */
    static float[] trainGhost(ModelAdapter model, Dataset data, int globalBatch, int ghostBatch, long seed, long steps,
                              IUpdater updater, boolean seedPasses) {
        return PlainDl4j.train(model, data, globalBatch, ghostBatch, seed, steps, updater, 0.0, seedPasses);
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relativeError(float[] a, float[] b) {
        return relativeError(a, b, 0, a.length);
    }

    /** ‖a − b‖ / ‖b‖ over elements {@code [from, to)}. */
    static double relativeError(float[] a, float[] b, int from, int to) {
        double num = 0;
        double den = 0;
        for (int i = from; i < to; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
