package io.lockstep.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Step time of synchronous data-parallel training as a function of the global batch B and the executor
 * count P, for a model of {@code params} parameters:
 * <pre>
 *   T(B, P) = c_P·⌈B/P⌉ + o + k·params·P + u·params
 * </pre>
 * c_P: gradient compute per example of the slowest task (the step waits for it; one core per executor);
 * o: fixed cost per step (task scheduling and launch, broadcast creation, driver bookkeeping);
 * k: cost per parameter per executor (shipping and merging each executor's gradient sum);
 * u: optimizer update per parameter on the driver.
 *
 * <p>{@link #fit} estimates them from the steady-state medians of measured runs ({@link RunSummary}):
 * <ul>
 *   <li>c_P = Σ compute / Σ ⌈B/P⌉ over the runs with that P. Concurrent tasks on one machine share memory
 *       bandwidth and caches, so the compute per example of P tasks is often higher than of one; c is therefore
 *       kept per measured P, and a P that was not measured takes the c of the nearest measured P (the larger one
 *       on a tie). With runs at a single P, c is one constant, as in the plain model.</li>
 *   <li>u = mean update time / params.</li>
 *   <li>o and k from the remaining time r = step − compute − u·params (broadcast, job minus compute, merging,
 *       bookkeeping): see {@link OverheadFit}. One run, or two at different P, are reproduced exactly. With a single P the two cannot be told apart and r is
 *       <b>assumed fixed</b> (k = 0).</li>
 * </ul>
 *
 * @param computeMillisPerExample c_P by measured executor count P, ms per example per task
 * @param fixedMillis             o, ms per step
 * @param commMillisPerParamWorker k, ms per parameter per executor
 * @param updateMillisPerParam    u, ms per parameter
 * @param params                  parameter count of the model the runs trained
 * @param commFitted              true when k was fitted from runs with different P
 * @param notes                   how each term was obtained, for the user
 */
public record StepTimeModel(SortedMap<Integer, Double> computeMillisPerExample, double fixedMillis,
                            double commMillisPerParamWorker, double updateMillisPerParam, long params,
                            boolean commFitted, List<String> notes) {
    public StepTimeModel {
        if (computeMillisPerExample == null || computeMillisPerExample.isEmpty()) {
            throw new IllegalArgumentException("c (compute per example) is needed for at least one executor count");
        }
        computeMillisPerExample.forEach((p, c) -> {
            if (p < 1) {
                throw new IllegalArgumentException("executor counts must be >= 1, got " + p);
            }
            requireNonNegative("c (compute per example) at P=" + p, c);
        });
        requireNonNegative("o (fixed overhead)", fixedMillis);
        requireNonNegative("k (communication per parameter per executor)", commMillisPerParamWorker);
        requireNonNegative("u (update per parameter)", updateMillisPerParam);
        if (params < 1) {
            throw new IllegalArgumentException("params must be >= 1, got " + params);
        }
        computeMillisPerExample = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(computeMillisPerExample));
        notes = List.copyOf(notes);
    }

    /** A model with one compute time per example for every P. */
    public StepTimeModel(double computeMillisPerExample, double fixedMillis, double commMillisPerParamWorker,
                         double updateMillisPerParam, long params, boolean commFitted, List<String> notes) {
        this(new TreeMap<>(Map.of(1, computeMillisPerExample)), fixedMillis, commMillisPerParamWorker,
                updateMillisPerParam, params, commFitted, notes);
    }

    private static void requireNonNegative(String what, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
        }
    }

    /** The predicted step time, term by term. */
    public record StepTime(double computeMillis, double fixedMillis, double commMillis, double updateMillis) {
        /** T(B, P), the sum of the terms. */
        public double totalMillis() {
            return computeMillis + fixedMillis + commMillis + updateMillis;
        }
    }

    /** c for P executors: that of the nearest measured executor count (the larger one on a tie). */
    public double computeMillisPerExample(int workers) {
        Integer below = computeMillisPerExample.headMap(workers + 1).isEmpty() ? null
                : computeMillisPerExample.headMap(workers + 1).lastKey();
        Integer above = computeMillisPerExample.tailMap(workers).isEmpty() ? null
                : computeMillisPerExample.tailMap(workers).firstKey();
        int nearest = below == null ? above : above == null ? below : workers - below < above - workers ? below : above;
        return computeMillisPerExample.get(nearest);
    }

    /** Predicts the step time for global batch B on P executors (B >= P >= 1). */
    public StepTime predict(int globalBatch, int workers) {
        if (workers < 1 || globalBatch < workers) {
            throw new IllegalArgumentException("need global batch B >= workers P >= 1, got B=" + globalBatch
                    + ", P=" + workers);
        }
        return new StepTime(computeMillisPerExample(workers) * MeasuredRun.ceilDiv(globalBatch, workers), fixedMillis,
                commMillisPerParamWorker * params * workers, updateMillisPerParam * params);
    }

    /** Fits the model to one or more runs of the same model (see the class documentation). */
    public static StepTimeModel fit(List<RunSummary> runs) {
        if (runs == null || runs.isEmpty()) {
            throw new IllegalArgumentException("need at least one measured run to fit the step time");
        }
        long params = runs.get(0).run().params();
        for (RunSummary r : runs) {
            if (r.run().params() != params) {
                throw new IllegalArgumentException("runs train models of different sizes (" + params + " params in "
                        + runs.get(0).run().name() + ", " + r.run().params() + " in " + r.run().name()
                        + "); fit one model at a time");
            }
        }
        SortedMap<Integer, Double> c = computeByWorkers(runs);
        double u = runs.stream().mapToDouble(RunSummary::updateMillis).average().orElseThrow() / params;
        List<String> notes = new ArrayList<>();
        StringBuilder cNote = new StringBuilder("c = slowest-task time / ceil(B/P), by P:");
        c.forEach((p, v) -> cNote.append(String.format(Locale.ROOT, " P=%d %.4g ms/example", p, v)));
        notes.add(cNote.append(c.size() > 1 ? " (other P: nearest measured P)" : " (used for every P)").toString());
        notes.add(String.format(Locale.ROOT, "u = %.3g ms/param: optimizer update time / %d params", u, params));
        OverheadFit rest = OverheadFit.of(runs, params, u * params);
        notes.add(rest.note());
        return new StepTimeModel(c, rest.fixedMillis(), rest.perParamWorker(), u, params, rest.fitted(), notes);
    }

    private static SortedMap<Integer, Double> computeByWorkers(List<RunSummary> runs) {
        SortedMap<Integer, double[]> sums = new TreeMap<>();
        for (RunSummary r : runs) {
            double[] s = sums.computeIfAbsent(r.run().workers(), p -> new double[2]);
            s[0] += r.computeMillis();
            s[1] += r.examplesPerTask();
        }
        SortedMap<Integer, Double> c = new TreeMap<>();
        sums.forEach((p, s) -> c.put(p, s[0] / s[1]));
        return c;
    }
}
