package io.lockstep.bench.jmh;

import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import java.util.SplittableRandom;

/** The MNIST MLP (784-256-256-10) the end-to-end bench trains, and seeded random arrays of its size. */
final class MlpFixture {
    static final int FEATURES = 784;
    static final int CLASSES = 10;

    private MlpFixture() {}

    static ModelAdapter model() {
        return Models.byName("mlp", FEATURES, CLASSES, 42);
    }

    /** {@code n} floats uniform in [-scale, scale), from {@code seed}. */
    static float[] randomFloats(int n, float scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }
}
