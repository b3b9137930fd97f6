package io.lockstep.perf;

import io.lockstep.metrics.StepTimings;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

/** Runs whose step times follow T = a + c·⌈B/P⌉ + o + k·params·P + u·params exactly, plus slow warm-up steps. */
record Synthetic(double c, double o, double k, double u, long params, double a) {
    static final int STEPS = 300;
    static final int WARMUP = 50;

    /** Without a per-task compute constant (a = 0). */
    Synthetic(double c, double o, double k, double u, long params) {
        this(c, o, k, u, params, 0);
    }

    MeasuredRun run(int b, int p) {
        return run(b, p, 0, new Random(1));
    }

    /** A run with multiplicative noise of relative size {@code noise} on every term; warm-up steps 10x slower. */
    MeasuredRun run(int b, int p, double noise, Random rng) {
        List<StepSample> steps = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            double slow = i < WARMUP ? 10 : 1;
            double compute = (a + c * MeasuredRun.ceilDiv(b, p)) * slow * jitter(noise, rng);
            double comm = k * params * p * jitter(noise, rng);
            double fixed = o * slow * jitter(noise, rng);
            double update = u * params * jitter(noise, rng);
            double broadcast = 0.5 * comm;
            double aggregate = 0.5 * comm;
            StepTimings t = new StepTimings(broadcast, compute + fixed, compute, aggregate, update);
            steps.add(new StepSample(i, compute + fixed + comm + update, t, 100 + i));
        }
        return new MeasuredRun("b" + b + "-p" + p, b, p, params, "local[" + p + "]", steps, OptionalLong.empty());
    }

    /** The same run with no B_simple at any step (as with P = 1 and no micro-batches). */
    static MeasuredRun withoutNoise(MeasuredRun r) {
        return new MeasuredRun(r.name(), r.globalBatch(), r.workers(), r.params(), r.master(), r.steps().stream()
                .map(s -> new StepSample(s.step(), s.stepMillis(), s.timings(), Double.NaN)).toList(),
                r.stepsToTarget());
    }

    private static double jitter(double noise, Random rng) {
        return noise == 0 ? 1 : Math.max(0.1, 1 + noise * rng.nextGaussian());
    }
}
