package io.lockstep.spark;

import io.lockstep.data.StepShare;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Executor side of a step of the {@linkplain JobTransport job transport}: reads the step's broadcast and
 * computes the partition's {@link PartitionGradient}. A retried task returns the same result, bit for bit.
 */
final class GradientTask implements FlatMapFunction<Iterator<Shard>, TaskResult> {
    private static final long serialVersionUID = 2L;

    private final PartitionGradient gradient;
    private final Broadcast<StepInput> input;
    private final long step;
    private final FaultInjection faults;

    GradientTask(PartitionGradient gradient, Broadcast<StepInput> input, long step, FaultInjection faults) {
        this.gradient = gradient;
        this.input = input;
        this.step = step;
        this.faults = faults;
    }

    @Override
    public Iterator<TaskResult> call(Iterator<Shard> shards) {
        if (!shards.hasNext()) {
            return List.of(PartitionGradient.empty()).iterator();
        }
        Shard shard = shards.next();
        TaskContext ctx = TaskContext.get();
        if (ctx != null && faults.shouldFail(step, shard.index, ctx.attemptNumber())) {
            throw new IllegalStateException("injected failure of step " + step + ", partition " + shard.index
                    + ", attempt " + ctx.attemptNumber());
        }
        StepInput in = input.value();
        StepShare share = in.shares()[shard.index];
        return List.of(gradient.compute(shard, in.params(), share, step)).iterator();
    }
}
