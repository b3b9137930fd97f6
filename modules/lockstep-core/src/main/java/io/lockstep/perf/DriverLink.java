package io.lockstep.perf;

import java.util.OptionalInt;

/**
 * The driver's network link as a floor under the step time: every step the driver receives each task's gradient
 * sum and sends each task the parameters, so with |θ| float32 parameters, P tasks and a link of L bit/s
 * <pre>
 *   bytes = 2·P·|θ|·4      T_link = bytes·8 / L      T(B, P) ≥ T_link
 * </pre>
 * (the step channel sends every task its own copy; Spark's TorrentBroadcast of the job transport lets executors
 * fetch pieces from each other, so there the send half can be smaller and the floor is a worst case). The link is
 * the bottleneck where T_link exceeds the compute term a_P + c_P·⌈B/P⌉ of {@link StepTimeModel}, i.e. once
 * P·|θ| &gt; compute·L / 64. L is an assumption (not measured: the fitted runs share one machine's loopback).
 *
 * @param gigabitsPerSecond L in Gb/s (10⁹ bit/s), finite and &gt; 0
 */
public record DriverLink(double gigabitsPerSecond) {
    /** L unless one is given: 10 Gb/s, a common data-centre NIC. */
    public static final double DEFAULT_GBPS = 10;
    /** Bytes of one float32 parameter or gradient entry. */
    static final int BYTES_PER_PARAM = 4;

    public DriverLink {
        if (!(gigabitsPerSecond > 0) || !Double.isFinite(gigabitsPerSecond)) {
            throw new IllegalArgumentException("driver link bandwidth must be a finite number of Gb/s > 0, got "
                    + gigabitsPerSecond);
        }
    }

    /** Bytes through the driver's link per step: P·|θ|·4 partials in, P·|θ|·4 parameters out. */
    public static double bytesPerStep(int workers, long params) {
        return 2.0 * workers * params * BYTES_PER_PARAM;
    }

    /** T_link in ms: {@link #bytesPerStep} · 8 / L. */
    public double millis(int workers, long params) {
        return bytesPerStep(workers, params) * 8 / (gigabitsPerSecond * 1e9) * 1e3;
    }

    /** The P·|θ| at which T_link equals {@code computeMillis}: computeMillis·L / (2·4·8). */
    public double boundProduct(double computeMillis) {
        return computeMillis * 1e-3 * gigabitsPerSecond * 1e9 / (2.0 * BYTES_PER_PARAM * 8);
    }

    /**
     * The smallest P in 1..B at which T_link exceeds the model's compute term for global batch B, or empty when
     * there is none (P cannot exceed B).
     */
    public OptionalInt firstBoundWorkers(StepTimeModel model, int globalBatch) {
        for (int p = 1; p <= globalBatch; p++) {
            if (isBound(model, globalBatch, p)) {
                return OptionalInt.of(p);
            }
        }
        return OptionalInt.empty();
    }

    /** True when T_link exceeds the compute term a_P + c_P·⌈B/P⌉ at (B, P). */
    public boolean isBound(StepTimeModel model, int globalBatch, int workers) {
        return millis(workers, model.params()) > model.predict(globalBatch, workers).computeMillis();
    }
}
