package io.lockstep.spark;

import java.util.Iterator;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * The long-running task of the step channel for one partition: keeps its shard (and, through
 * {@link io.lockstep.model.WorkerPool}, its network), connects to the driver's channel, registers
 * (partition, attempt) and then answers every step order with its {@link PartitionCompute}
 * ({@link PartitionGradient} in training) until the driver says stop. A task in the driver's own JVM (local
 * mode) links to the driver's hub in-process ({@link LocalLink}). Losing the connection fails the attempt, so
 * Spark runs a new one ({@code spark.task.maxFailures}), which registers again; the driver re-sends it the current
 * step. Killed with its job, it ends within a second.
 */
final class ChannelTask implements VoidFunction<Iterator<Shard>> {
    private static final long serialVersionUID = 1L;
    /** How often the task thread looks at its kill flag while idle. */
    private static final long POLL_MILLIS = 500;

    private final PartitionCompute gradient;
    private final FaultInjection faults;
    private final String host;
    private final int port;
    private final String channelId;
    private final long idleTimeoutMillis;
    /** The channel's key in {@link LocalChannels}; null: always over the network. */
    private final String localKey;

    ChannelTask(PartitionCompute gradient, FaultInjection faults, String host, int port, String channelId,
                long idleTimeoutMillis, String localKey) {
        this.localKey = localKey;
        this.gradient = gradient;
        this.faults = faults;
        this.host = host;
        this.port = port;
        this.channelId = channelId;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    public void call(Iterator<Shard> shards) throws Exception {
        TaskContext ctx = TaskContext.get();
        Shard shard = shards.hasNext() ? shards.next() : null;
        int partition = ctx.partitionId();
        int attempt = ctx.attemptNumber();
        try (ChannelLink worker = link()) {
            if (!worker.register(new ChannelMessages.Registration(channelId, partition, attempt), idleTimeoutMillis)) {
                return; // the channel is closing, or this attempt belongs to an earlier one
            }
            serve(worker, ctx, shard, partition, attempt);
        }
    }

    /** In the driver's JVM (local mode) the in-process link, else a network connection to the driver. */
    private ChannelLink link() {
        ChannelHub local = localKey == null ? null : LocalChannels.find(localKey);
        return local != null ? new LocalLink(local)
                : new ChannelWorker(ChannelSecurity.of(SparkEnv.get().conf(), idleTimeoutMillis, 1), host, port);
    }

    private void serve(ChannelLink worker, TaskContext ctx, Shard shard, int partition, int attempt)
            throws InterruptedException {
        while (true) {
            ChannelLink.Request r = worker.next(POLL_MILLIS);
            if (ctx.isInterrupted()) {
                throw new TaskKilledException(ctx.getKillReason().isDefined() ? ctx.getKillReason().get() : "killed");
            }
            if (r == null) {
                continue;
            }
            if (r.lost() != null) {
                throw new IllegalStateException("step channel task of partition " + partition + ", attempt " + attempt
                        + ": " + r.lost().getMessage(), r.lost());
            }
            if (r.stop()) {
                return; // a one-way message: nothing to answer
            }
            long step = r.order().step();
            if (faults.shouldFailInChannel(step, partition, attempt)) {
                throw new IllegalStateException("injected failure of step " + step + ", partition " + partition
                        + ", attempt " + attempt);
            }
            TaskResult result = shard == null ? PartitionGradient.empty()
                    : gradient.compute(shard, r.params(), r.order().share(), step);
            worker.recycle(r.params());
            worker.sendResult(r.order().round(), partition, result);
        }
    }
}
