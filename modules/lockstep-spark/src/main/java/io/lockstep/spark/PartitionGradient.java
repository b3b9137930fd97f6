package io.lockstep.spark;

import io.lockstep.data.StepShare;
import io.lockstep.grad.GradientSum;
import io.lockstep.model.BlasThreads;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.WorkerPool;

/**
 * The executor-side computation of one partition's part of a step, shared by both step transports: the
 * gradient sum, loss sum and count over the partition's share of the global batch, with the executor's pooled
 * network. A pure function of (parameters, shard, share, micro-batch, seed, step), so a retried task — whichever
 * transport delivered its input — returns the same result, bit for bit.
 *
 * @param model      the model (its network is built once per executor JVM, {@link WorkerPool})
 * @param microBatch examples per accumulated forward/backward pass (0 = one pass per ghost batch)
 * @param seed       the run's seed (every pass seeds its random stream from it, {@link io.lockstep.model.PassSeed})
 */
record PartitionGradient(ModelAdapter model, int microBatch, long seed) implements PartitionCompute {

    @Override
    public TaskResult compute(Shard shard, float[] params, StepShare share, long step) {
        BlasThreads.onePerTask();
        long start = System.nanoTime();
        GradientSum sum = WorkerPool.withWorker(model,
                w -> w.gradientSum(params, shard.features, shard.labels, share, microBatch, seed, step));
        return new TaskResult(sum, (System.nanoTime() - start) / 1e6);
    }

    /** The result of a partition that holds no shard. */
    static TaskResult empty() {
        return new TaskResult(GradientSum.empty(), 0.0);
    }
}
