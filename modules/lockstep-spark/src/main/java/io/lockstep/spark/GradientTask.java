package io.lockstep.spark;

import io.lockstep.data.StepShare;
import io.lockstep.grad.GradientSum;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.WorkerPool;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Executor side of a step: for the partition's shard, the gradient sum, loss sum and count over its
 * share of the global batch (its ghost batches). A pure function of (parameters, data, share, seed,
 * step) — every forward pass seeds its own random stream ({@link io.lockstep.model.PassSeed}) — so a
 * retried task returns the same result, bit for bit.
 */
final class GradientTask implements FlatMapFunction<Iterator<Shard>, TaskResult> {
    private static final long serialVersionUID = 1L;

    private final ModelAdapter model;
    private final Broadcast<StepInput> input;
    private final int microBatch;
    private final long seed;
    private final long step;
    private final FaultInjection faults;

    GradientTask(ModelAdapter model, Broadcast<StepInput> input, int microBatch, long seed, long step,
                 FaultInjection faults) {
        this.model = model;
        this.input = input;
        this.microBatch = microBatch;
        this.seed = seed;
        this.step = step;
        this.faults = faults;
    }

    @Override
    public Iterator<TaskResult> call(Iterator<Shard> shards) {
        if (!shards.hasNext()) {
            return List.of(new TaskResult(GradientSum.empty(), 0.0)).iterator();
        }
        Shard shard = shards.next();
        TaskContext ctx = TaskContext.get();
        if (ctx != null && faults.shouldFail(step, shard.index, ctx.attemptNumber())) {
            throw new IllegalStateException("injected failure of step " + step + ", partition " + shard.index
                    + ", attempt " + ctx.attemptNumber());
        }
        io.lockstep.model.BlasThreads.onePerTask();
        StepInput in = input.value();
        StepShare share = in.shares()[shard.index];
        long start = System.nanoTime();
        GradientSum sum = WorkerPool.withWorker(model,
                w -> w.gradientSum(in.params(), shard.features, shard.labels, share, microBatch, seed, step));
        return List.of(new TaskResult(sum, (System.nanoTime() - start) / 1e6)).iterator();
    }
}
