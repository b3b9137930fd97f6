package io.lockstep.perf;

/**
 * The critical batch the advisor ranks by when no run reached a target: with B_noise ≈ B_crit (McCandlish et al.
 * 2018, arXiv 1812.06162) steps and examples to any fixed target trade off as S(B) = S_min·(1 + B_noise/B) and
 * E(B) = E_min·(1 + B/B_noise). S_min is unknown, but it is the same for every grid point, so time and cost to the
 * target can still be compared: T(B, P)·S(B)/S_min.
 *
 * @param bNoise B_noise in examples (a run's B_simple, or a given B_crit)
 * @param source where it came from, one phrase for the user
 */
public record NoiseScale(double bNoise, String source) {
    public NoiseScale {
        if (!(bNoise > 0) || !Double.isFinite(bNoise)) {
            throw new IllegalArgumentException("B_noise must be finite and > 0, got " + bNoise);
        }
    }

    /** S(B)/S_min = 1 + B_noise/B: steps to the target relative to an unboundedly large batch. */
    public double stepsFactor(double globalBatch) {
        return 1 + bNoise / requirePositive(globalBatch);
    }

    /** E(B)/E_min = 1 + B/B_noise: examples to the target relative to a very small batch. */
    public double examplesFactor(double globalBatch) {
        return 1 + requirePositive(globalBatch) / bNoise;
    }

    private static double requirePositive(double globalBatch) {
        if (!(globalBatch > 0)) {
            throw new IllegalArgumentException("global batch must be > 0, got " + globalBatch);
        }
        return globalBatch;
    }
}
