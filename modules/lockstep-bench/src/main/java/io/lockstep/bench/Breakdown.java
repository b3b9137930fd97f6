package io.lockstep.bench;

import io.lockstep.metrics.StepTimings;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Median time of each phase of Lockstep's step over the measured steps of one batch size, in ms.
 * {@code overhead} is the median of {@link StepTimings#overheadMillis()}: everything but the slowest
 * task's gradient computation.
 */
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
        TextTable t = new TextTable(List.of("B", "broadcast", "job", "slowest task", "aggregate", "update",
                "overhead"));
        for (Breakdown r : rows) {
            t.row(List.of(String.valueOf(r.globalBatch), ms(r.broadcast), ms(r.job), ms(r.slowestTask),
                    ms(r.aggregate), ms(r.update), ms(r.overhead)));
        }
        return "Lockstep step breakdown (median ms): job = scheduling + task compute + result transfer;"
                + " overhead = broadcast + job - slowest task + aggregate + update\n" + t;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static double median(List<StepTimings> t, ToDoubleFunction<StepTimings> f) {
        return Measurement.median(t.stream().mapToDouble(f).toArray());
    }
}
