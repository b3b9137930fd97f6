package io.lockstep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The cost of Spark jobs that do no training work, on the same context as the bench: the floor
 * under Lockstep's per-step overhead. Three kinds of P-task jobs, each run {@code jobs} times untimed
 * (Spark's scheduling code needs on the order of a thousand jobs before the JIT has compiled it) and
 * then timed {@code jobs} times: an empty one ({@code count} of P one-element partitions); one whose
 * tasks each return a {@code float[]} of the model's size; and a step-shaped one that also
 * broadcasts a parameter-sized {@code float[]} first, reads it in every task and destroys it
 * afterwards, as a Lockstep step does (without the gradient computation and the merge).
 *
 * @param emptyJobMs  median wall time of the empty job
 * @param resultJobMs median wall time of the job returning P gradient-sized arrays
 * @param stepJobMs   median wall time of broadcast + job returning P arrays + destroy
 * @param jobs        timed jobs of each kind
 */
record SparkFloor(double emptyJobMs, double resultJobMs, double stepJobMs, int jobs) {

    static SparkFloor measure(JavaSparkContext sc, int partitions, int floatsPerTask, int jobs) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        JavaRDD<Integer> rdd = sc.parallelize(ids, partitions);
        JavaRDD<float[]> arrays = rdd.map(p -> new float[floatsPerTask]);
        float[] params = new float[floatsPerTask];
        Runnable step = () -> {
            Broadcast<float[]> bc = sc.broadcast(params.clone());
            rdd.map(p -> bc.value().clone()).collect();
            bc.destroy();
        };
        for (int i = 0; i < jobs; i++) { // warm up Spark's scheduling code for all kinds first
            rdd.count();
            arrays.collect();
            step.run();
        }
        return new SparkFloor(medianMillis(jobs, rdd::count), medianMillis(jobs, arrays::collect),
                medianMillis(jobs, step), jobs);
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
        return String.format(Locale.ROOT, "empty %d-task job %.2f ms; %d tasks returning %,d floats each %.2f ms;"
                + " broadcast + that job + destroy %.2f ms (medians of %d jobs after %d untimed)", partitions,
                emptyJobMs, partitions, floatsPerTask, resultJobMs, stepJobMs, jobs, jobs);
    }
}
