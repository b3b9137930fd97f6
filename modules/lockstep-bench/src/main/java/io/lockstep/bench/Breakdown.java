package io.lockstep.bench;

import io.lockstep.metrics.StepTimings;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Median time of each phase of Lockstep's step over the measured steps of one batch size. */
record Breakdown(int globalBatch, double broadcast, double job, double slowestTask, double aggregate,
                 double update, double overhead) {

    static Breakdown medianOf(List<StepTimings> t) {
        return new Breakdown(0, median(t, StepTimings::broadcastMillis), median(t, StepTimings::jobMillis),
                median(t, StepTimings::slowestTaskMillis), median(t, StepTimings::aggregateMillis),
                median(t, StepTimings::updateMillis), median(t, StepTimings::overheadMillis));
    }

    Breakdown withBatch(int b) {
        return new Breakdown(b, broadcast, job, slowestTask, aggregate, update, overhead);
    }

    static String format(List<Breakdown> rows) {
        StringBuilder sb = new StringBuilder("Lockstep step breakdown (median ms): job = scheduling + task compute"
                + " + result transfer; overhead = step - slowest task\n");
        sb.append(String.format(Locale.ROOT, "%7s  %9s  %8s  %13s  %9s  %8s  %9s%n", "B", "broadcast", "job",
                "slowest task", "aggregate", "update", "overhead"));
        for (Breakdown r : rows) {
            sb.append(String.format(Locale.ROOT, "%7d  %9.2f  %8.2f  %13.2f  %9.2f  %8.2f  %9.2f%n", r.globalBatch,
                    r.broadcast, r.job, r.slowestTask, r.aggregate, r.update, r.overhead));
        }
        return sb.toString();
    }

    private static double median(List<StepTimings> t, ToDoubleFunction<StepTimings> f) {
        double[] v = t.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

}
