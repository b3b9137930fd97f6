package io.lockstep.data;

import java.util.SplittableRandom;

/**
 * A seeded random hold-out split of a dataset into training and validation parts; each part keeps
 * the original order of its examples.
 *
 * @param train      the examples kept for training
 * @param validation the held-out examples
 */
public record HoldOut(Dataset train, Dataset validation) {

    /**
     * Holds out {@code round(fraction × N)} examples chosen uniformly at random with {@code seed}.
     *
     * @throws DataException if the fraction is outside (0, 1) or leaves either part empty
     */
    public static HoldOut split(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new DataException("validation fraction must be in (0, 1) (got " + fraction + ")");
        }
        int n = data.size();
        int held = (int) Math.round(fraction * n);
        if (held == 0 || held == n) {
            throw new DataException(data.name() + ": a validation fraction of " + fraction + " of " + n
                    + " examples leaves one part empty");
        }
        boolean[] isValidation = chooseExactly(n, held, new SplittableRandom(seed ^ 0x5DEECE66DL));
        return new HoldOut(select(data, isValidation, false, n - held), select(data, isValidation, true, held));
    }

    /** Selection sampling (Knuth's Algorithm S): exactly k of n, every subset equally likely. */
    private static boolean[] chooseExactly(int n, int k, SplittableRandom rng) {
        boolean[] chosen = new boolean[n];
        int needed = k;
        for (int i = 0; i < n && needed > 0; i++) {
            if (rng.nextInt(n - i) < needed) {
                chosen[i] = true;
                needed--;
            }
        }
        return chosen;
    }

    private static Dataset select(Dataset data, boolean[] mask, boolean want, int count) {
        int d = data.numFeatures();
        float[] f = new float[count * d];
        int[] l = new int[count];
        int j = 0;
        for (int i = 0; i < data.size(); i++) {
            if (mask[i] == want) {
                System.arraycopy(data.features(), i * d, f, j * d, d);
                l[j++] = data.labels()[i];
            }
        }
        return new Dataset(data.name() + (want ? " (validation)" : " (train)"), f, l, d, data.numClasses());
    }
}
