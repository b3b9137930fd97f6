package io.lockstep.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction2;

/**
 * The per-partition function of a step's Spark job, handed to {@code SparkContext.runJob} directly.
 * Being a named class rather than the lambda {@code JavaRDD.mapPartitions} wraps around a function,
 * Spark's ClosureCleaner skips it instead of re-reading class bytecode with ASM on every step.
 */
final class GradientJob extends AbstractFunction2<TaskContext, Iterator<Shard>, TaskResult> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GradientTask task;

    GradientJob(GradientTask task) {
        this.task = task;
    }

    @Override
    public TaskResult apply(TaskContext context, Iterator<Shard> shards) {
        java.util.Iterator<TaskResult> out = task.call(JavaConverters.asJavaIterator(shards));
        return out.next();
    }
}
