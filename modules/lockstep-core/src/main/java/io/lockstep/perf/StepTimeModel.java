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
 *   T(B, P) = a_P + c_P·⌈B/P⌉ + o + k·params·P + u·params
 * </pre>
 * c_P: gradient compute per example of the slowest task (the step waits for it; one core per executor);
 * a_P: the slowest task's compute that does not grow with its examples (0 unless fitted, below);
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
 *   <li>a_P: when the runs with P executors have two or more different task sizes ⌈B/P⌉, a_P and c_P are the
 *       least-squares line through their (task size, compute) points instead (larger products run closer to
 *       BLAS peak, and a task has fixed costs, so compute per example is not the same at every B). If that
 *       line has a negative intercept or a non-positive slope, a_P = 0 and c_P is the ratio above.</li>
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
 * @param computeMillisPerTask    a_P by measured executor count P, ms per task (a missing P counts as 0)
 */
public record StepTimeModel(SortedMap<Integer, Double> computeMillisPerExample, double fixedMillis,
                            double commMillisPerParamWorker, double updateMillisPerParam, long params,
                            boolean commFitted, List<String> notes, SortedMap<Integer, Double> computeMillisPerTask) {
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
        computeMillisPerTask = java.util.Collections.unmodifiableSortedMap(
                new TreeMap<>(computeMillisPerTask == null ? Map.of() : computeMillisPerTask));
        computeMillisPerTask.forEach((p, a) -> requireNonNegative("a (compute per task) at P=" + p, a));
        notes = List.copyOf(notes);
    }

    /** A model without a per-task compute constant (a_P = 0 for every P). */
    public StepTimeModel(SortedMap<Integer, Double> computeMillisPerExample, double fixedMillis,
                         double commMillisPerParamWorker, double updateMillisPerParam, long params, boolean commFitted,
                         List<String> notes) {
        this(computeMillisPerExample, fixedMillis, commMillisPerParamWorker, updateMillisPerParam, params, commFitted,
                notes, new TreeMap<>());
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
        return computeMillisPerExample.get(nearestMeasured(workers));
    }

    /** a for P executors: that of the nearest measured executor count (the larger one on a tie); 0 if not fitted. */
    public double computeMillisPerTask(int workers) {
        return computeMillisPerTask.getOrDefault(nearestMeasured(workers), 0.0);
    }

    private int nearestMeasured(int workers) {
        Integer below = computeMillisPerExample.headMap(workers + 1).isEmpty() ? null
                : computeMillisPerExample.headMap(workers + 1).lastKey();
        Integer above = computeMillisPerExample.tailMap(workers).isEmpty() ? null
                : computeMillisPerExample.tailMap(workers).firstKey();
        return below == null ? above : above == null ? below : workers - below < above - workers ? below : above;
    }

    /** Predicts the step time for global batch B on P executors (B >= P >= 1). */
    public StepTime predict(int globalBatch, int workers) {
        if (workers < 1 || globalBatch < workers) {
            throw new IllegalArgumentException("need global batch B >= workers P >= 1, got B=" + globalBatch
                    + ", P=" + workers);
        }
        return new StepTime(computeMillisPerTask(workers)
                + computeMillisPerExample(workers) * MeasuredRun.ceilDiv(globalBatch, workers), fixedMillis,
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
        requireOneTransport(runs);
        SortedMap<Integer, Double> c = new TreeMap<>();
        SortedMap<Integer, Double> a = new TreeMap<>();
        computeByWorkers(runs, c, a);
        double u = runs.stream().mapToDouble(RunSummary::updateMillis).average().orElseThrow() / params;
        List<String> notes = new ArrayList<>();
        StringBuilder cNote = new StringBuilder(a.isEmpty() ? "c = slowest-task time / ceil(B/P), by P:"
                : "a + c*ceil(B/P) = slowest-task time (a line where a P has runs at two or more B), by P:");
        c.forEach((p, v) -> cNote.append(a.containsKey(p)
                ? String.format(Locale.ROOT, " P=%d a=%.3g ms c=%.4g ms/example", p, a.get(p), v)
                : String.format(Locale.ROOT, " P=%d %.4g ms/example", p, v)));
        notes.add(cNote.append(c.size() > 1 ? " (other P: nearest measured P)" : " (used for every P)").toString());
        notes.add(String.format(Locale.ROOT, "u = %.3g ms/param: optimizer update time / %d params", u, params));
        OverheadFit rest = OverheadFit.of(runs, params, u * params);
        notes.add(rest.note());
        return new StepTimeModel(c, rest.fixedMillis(), rest.perParamWorker(), u, params, rest.fitted(), notes, a);
    }

    /**
     * Refuses runs of different step transports: their fixed cost o and per-executor cost k differ (one Spark job per
     * step against the step channel), so one line through both would describe neither.
     */
    static void requireOneTransport(List<RunSummary> runs) {
        SortedMap<String, List<String>> byTransport = new TreeMap<>();
        runs.forEach(r -> byTransport.computeIfAbsent(r.run().transport(), t -> new ArrayList<>()).add(r.run().name()));
        if (byTransport.size() > 1) {
            StringBuilder which = new StringBuilder();
            byTransport.forEach((t, names) -> which.append(which.length() == 0 ? "" : "; ").append(t).append(": ")
                    .append(String.join(", ", names)));
            throw new IllegalArgumentException("runs use different step transports (" + which + "); their fixed and"
                    + " per-executor costs differ, so fit one transport at a time");
        }
    }

    /** Fills c_P for every measured P and a_P where a line through two or more task sizes could be fitted. */
    private static void computeByWorkers(List<RunSummary> runs, SortedMap<Integer, Double> c,
                                         SortedMap<Integer, Double> a) {
        SortedMap<Integer, List<RunSummary>> byP = new TreeMap<>();
        runs.forEach(r -> byP.computeIfAbsent(r.run().workers(), p -> new ArrayList<>()).add(r));
        byP.forEach((p, rs) -> {
            double[] n = rs.stream().mapToDouble(RunSummary::examplesPerTask).toArray();
            double[] y = rs.stream().mapToDouble(RunSummary::computeMillis).toArray();
            LineFit line = LineFit.of(n, y);
            if (line.spread() > 0 && line.slope() > 0 && line.intercept() >= 0) {
                c.put(p, line.slope());
                a.put(p, line.intercept());
            } else {
                double sumN = 0;
                double sumY = 0;
                for (int i = 0; i < n.length; i++) {
                    sumN += n[i];
                    sumY += y[i];
                }
                c.put(p, sumY / sumN);
            }
        });
    }
}
