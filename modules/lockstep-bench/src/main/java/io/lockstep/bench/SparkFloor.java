package io.lockstep.bench;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * The cost of Spark jobs that do no training work, on the same context as the bench: the floor
 * under Lockstep's per-step overhead. All jobs run the way Lockstep's steps do, through
 * {@code SparkContext.runJob} over a cached P-partition RDD with a named function class (a lambda
 * would add Spark's per-job ClosureCleaner bytecode scan, which Lockstep's step does not pay).
 * Three kinds, each run {@code jobs} times untimed (Spark's scheduling code needs on the order of a
 * thousand jobs before the JIT has compiled it) and then timed {@code jobs} times: an empty one; one
 * whose tasks each return a {@code float[]} of the model's size; and a step-shaped one that also
 * broadcasts a parameter-sized {@code float[]} first, reads it in every task and destroys the
 * broadcast afterwards, as a Lockstep step does (without gradient computation, merge and update).
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
        JavaRDD<Integer> rdd = sc.parallelize(ids, partitions).persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        float[] params = new float[floatsPerTask];
        Runnable empty = () -> run(sc, rdd, new Returning(null, 0));
        Runnable result = () -> run(sc, rdd, new Returning(null, floatsPerTask));
        Runnable step = () -> {
            Broadcast<float[]> bc = sc.broadcast(params.clone());
            run(sc, rdd, new Returning(bc, floatsPerTask));
            bc.destroy();
        };
        try {
            for (int i = 0; i < jobs; i++) { // warm up Spark's scheduling code for all kinds first
                empty.run();
                result.run();
                step.run();
            }
            return new SparkFloor(medianMillis(jobs, empty), medianMillis(jobs, result), medianMillis(jobs, step), jobs);
        } finally {
            rdd.unpersist(false);
        }
    }

    private static void run(JavaSparkContext sc, JavaRDD<Integer> rdd, Returning f) {
        sc.sc().runJob(rdd.rdd(), f, ClassTag$.MODULE$.apply(float[].class));
    }

    /** A task that reads the broadcast (if any) and returns a new {@code float[n]}. */
    private static final class Returning extends AbstractFunction2<TaskContext, Iterator<Integer>, float[]>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<float[]> input;
        private final int n;

        Returning(Broadcast<float[]> input, int n) {
            this.input = input;
            this.n = n;
        }

        @Override
        public float[] apply(TaskContext context, Iterator<Integer> rows) {
            float[] out = new float[n];
            if (input != null && n > 0) {
                out[0] = input.value()[0];
            }
            return out;
        }
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
                + " broadcast + that job + destroy %.2f ms (runJob, medians of %d jobs after %d untimed)",
                partitions, emptyJobMs, partitions, floatsPerTask, resultJobMs, stepJobMs, jobs, jobs);
    }
}
