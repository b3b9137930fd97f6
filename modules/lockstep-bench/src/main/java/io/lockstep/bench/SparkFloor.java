package io.lockstep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The cost of a Spark job that does no training work, on the same context as the bench: the floor
 * under Lockstep's per-step overhead. Two kinds of P-task jobs, each run {@code jobs} times untimed
 * and then timed {@code jobs} times: an empty one ({@code count} of P one-element partitions) and
 * one whose tasks each return a {@code float[]} of the model's size, as Lockstep's gradient tasks do.
 *
 * @param emptyJobMs  median wall time of the empty job
 * @param resultJobMs median wall time of the job returning P gradient-sized arrays
 * @param jobs        timed jobs of each kind
 */
record SparkFloor(double emptyJobMs, double resultJobMs, int jobs) {

    static SparkFloor measure(JavaSparkContext sc, int partitions, int floatsPerTask, int jobs) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        JavaRDD<Integer> rdd = sc.parallelize(ids, partitions);
        JavaRDD<float[]> arrays = rdd.map(p -> new float[floatsPerTask]);
        for (int i = 0; i < jobs; i++) { // warm up Spark's scheduling code for both kinds first
            rdd.count();
            arrays.collect();
        }
        return new SparkFloor(medianMillis(jobs, rdd::count), medianMillis(jobs, arrays::collect), jobs);
    }

    private static double medianMillis(int jobs, Runnable job) {
        double[] t = new double[jobs];
        for (int i = 0; i < jobs; i++) {
            long start = System.nanoTime();
            job.run();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        return Measurement.median(t);
    }

    String describe(int partitions, int floatsPerTask) {
        return String.format(Locale.ROOT, "empty %d-task job %.2f ms; %d tasks returning %,d floats each %.2f ms"
                + " (medians of %d jobs)", partitions, emptyJobMs, partitions, floatsPerTask, resultJobMs, jobs);
    }
}
