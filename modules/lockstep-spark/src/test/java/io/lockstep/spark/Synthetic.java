package io.lockstep.spark;

import io.lockstep.data.Dataset;
import java.util.Random;

/** Small synthetic classification data for tests: Gaussian blobs around random class centers. */
final class Synthetic {
    private Synthetic() {}

    static Dataset blobs(int n, int features, int classes, long seed) {
        Random rng = new Random(seed);
        float[][] centers = new float[classes][features];
        for (float[] c : centers) {
            for (int j = 0; j < features; j++) {
                c[j] = (float) rng.nextGaussian() * 2f;
            }
        }
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
            for (int j = 0; j < features; j++) {
                x[i * features + j] = centers[y[i]][j] + (float) rng.nextGaussian();
            }
        }
        return new Dataset("synthetic", x, y, features, classes);
    }
}
