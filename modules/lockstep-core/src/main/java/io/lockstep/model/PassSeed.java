package io.lockstep.model;

/**
 * The seed of ND4J's random stream for one forward/backward pass: a fixed mix of (run seed, step,
 * step-wide ghost-batch index, micro-batch index within the ghost batch). Seeding every pass makes
 * dropout masks and weight noise a function of these four numbers only — not of the executor, the
 * thread or what ran on it before — so reruns and retried tasks are bit-identical, and with replicated
 * data (fixed ghost batches) the masks do not depend on the worker count either.
 */
public final class PassSeed {
    private PassSeed() {}

    public static long of(long runSeed, long step, int ghost, int micro) {
        long h = mix(runSeed ^ 0x6C6F636B73746570L);
        h = mix(h + step);
        h = mix(h + ghost);
        return mix(h + micro);
    }

    /** SplitMix64's finalizer (Steele, Lea, Flood 2014). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
