package io.lockstep.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * What the alternative to one Spark job per step would pay per step: P tasks of one long-running
 * barrier stage ({@code RDD.barrier()}) that stay alive and synchronize with
 * {@link BarrierTaskContext#barrier()} once per round, as persistent workers would once per step
 * (the gradient exchange itself would then go over a side channel between the tasks, not measured
 * here). The median is over the rounds of all tasks, each timed inside the task, after untimed rounds.
 * Few rounds suffice: on Spark 3.5 one round measures about a second (local mode, idle machine), far
 * above a whole one-job step, so {@code barrier()} cannot be the per-step synchronization of such a
 * design.
 *
 * @param medianMs median wall time of one barrier round inside a task
 * @param rounds   timed rounds per task
 */
record BarrierRound(double medianMs, int rounds) {

    static BarrierRound measure(JavaSparkContext sc, int partitions, int rounds) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        List<double[]> perTask = sc.parallelize(ids, partitions).rdd().barrier()
                .mapPartitions(new Rounds(rounds), false, ClassTag$.MODULE$.apply(double[].class))
                .toJavaRDD().collect();
        double[] all = perTask.stream().flatMapToDouble(Arrays::stream).toArray();
        return new BarrierRound(Measurement.median(all), rounds);
    }

    /** The barrier stage's per-partition function: one array of round times per task. */
    private static final class Rounds
            extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int rounds;

        Rounds(int rounds) {
            this.rounds = rounds;
        }

        @Override
        public scala.collection.Iterator<double[]> apply(scala.collection.Iterator<Integer> ignored) {
            return JavaConverters.asScalaIterator(List.of(timeRounds(rounds)).iterator());
        }
    }

    /** Runs {@code rounds} untimed and then {@code rounds} timed barrier rounds; returns the timed ones in ms. */
    private static double[] timeRounds(int rounds) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        double[] t = new double[rounds];
        for (int i = 0; i < 2 * rounds; i++) {
            long start = System.nanoTime();
            ctx.barrier();
            if (i >= rounds) {
                t[i - rounds] = (System.nanoTime() - start) / 1e6;
            }
        }
        return t;
    }

    String describe(int partitions) {
        return String.format(Locale.ROOT, "one barrier round of %d tasks in a long-running barrier stage %.2f ms"
                + " (median of %d rounds per task after %d untimed)", partitions, medianMs, rounds, rounds);
    }
}
