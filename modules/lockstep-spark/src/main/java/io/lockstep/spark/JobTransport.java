package io.lockstep.spark;

import io.lockstep.data.StepShare;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;

/**
 * One Spark job per step: broadcast the parameters and shares, one {@link GradientTask} per partition (through
 * {@code runJob} with the named {@link GradientJob}), collect, destroy the broadcast. Described in the Spark UI as
 * {@code lockstep step <t> (B=…, P=…)}. Holds nothing between steps.
 */
final class JobTransport implements StepTransport {
    private final JavaSparkContext sc;
    private final JavaRDD<Shard> shards;
    private final PartitionGradient gradient;
    private final FaultInjection faults;

    JobTransport(JavaSparkContext sc, JavaRDD<Shard> shards, PartitionGradient gradient, FaultInjection faults) {
        this.sc = sc;
        this.shards = shards;
        this.gradient = gradient;
        this.faults = faults;
    }

    @Override
    public StepExchange exchange(long step, float[] params, StepShare[] shares, String label) {
        long t0 = System.nanoTime();
        Broadcast<StepInput> input = sc.broadcast(new StepInput(params.clone(), shares));
        long t1 = System.nanoTime();
        try {
            sc.setJobDescription("lockstep step " + step + " (" + label + ")");
            TaskResult[] results = (TaskResult[]) sc.sc().runJob(shards.rdd(),
                    new GradientJob(new GradientTask(gradient, input, step, faults)),
                    ClassTag$.MODULE$.apply(TaskResult.class));
            return new StepExchange(results, (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        } finally {
            input.destroy();
        }
    }

    @Override
    public void pause() {
        // nothing held between steps
    }

    @Override
    public void close() {
        // nothing held between steps
    }
}
