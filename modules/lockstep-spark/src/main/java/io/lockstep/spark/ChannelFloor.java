package io.lockstep.spark;

import io.lockstep.config.StepTransportConfig;
import io.lockstep.data.StepShare;
import io.lockstep.grad.GradientSum;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The floor under the step channel's per-step overhead: rounds of the real channel — {@link ChannelTransport},
 * one {@link ChannelTask} per partition and the driver's {@link ChannelHub}, over the in-process or the network
 * link as the context says ({@value ChannelTransport#IN_PROCESS}) — that do no training. Per round the driver
 * sends the parameters ({@code numParams} floats) and each partition's share (one row), every task answers at once
 * with a partial of {@code numParams} floats (a new array, no DL4J) and the driver receives all P of them; no
 * merge, no update. The channel's Spark job starts in the first round and ends (its task slots freed) when the
 * measurement returns. Warm-up rounds are discarded first (the first one includes starting the job).
 */
public final class ChannelFloor {
    private ChannelFloor() {}

    /**
     * The timed rounds, in order, in milliseconds.
     *
     * @param sendMillis      encoding and sending the round's orders (a step's "broadcast")
     * @param roundTripMillis from sent to all P results received (a step's "job")
     * @param slowestPartialMillis the longest time a task took to make its no-training partial (a step's
     *                             "slowest task")
     * @param inProcess       whether the tasks used the in-process link (local mode, the default) rather than
     *                        the network
     */
    public record Result(double[] sendMillis, double[] roundTripMillis, double[] slowestPartialMillis,
                         boolean inProcess) {}

    /**
     * Runs {@code warmupRounds} untimed and then {@code rounds} timed rounds of a P-partition channel whose
     * tasks answer with {@code numParams} floats.
     *
     * @throws IllegalArgumentException for a count below its minimum (partitions, numParams, rounds ≥ 1,
     *     warmupRounds ≥ 0), or (a {@link io.lockstep.config.ConfigException}) when the context cannot run the
     *     channel for {@code partitions} partitions ({@link TransportChoice})
     * @throws IllegalStateException when a round fails (one line, as a training step's would)
     */
    public static Result measure(JavaSparkContext sc, int partitions, int numParams, int warmupRounds, int rounds) {
        return measure(sc, partitions, numParams, warmupRounds, rounds, results -> { });
    }

    /** As {@link #measure(JavaSparkContext, int, int, int, int)}; each round's results also go to {@code eachRound}. */
    static Result measure(JavaSparkContext sc, int partitions, int numParams, int warmupRounds, int rounds,
                          Consumer<TaskResult[]> eachRound) {
        atLeast("partitions", partitions, 1);
        atLeast("numParams", numParams, 1);
        atLeast("warmupRounds", warmupRounds, 0);
        atLeast("rounds", rounds, 1);
        TransportChoice.of(sc, partitions, StepTransportConfig.channel()); // refuses a context that cannot run it
        StepShare[] shares = new StepShare[partitions];
        List<Shard> shards = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            shares[p] = new StepShare(new int[] {0}, new int[] {1}, p);
            shards.add(Shard.of(p, 0, 0, new float[0], new int[0]));
        }
        JavaRDD<Shard> rdd = sc.parallelize(shards, partitions); // element p in partition p
        float[] params = new float[numParams];
        double[] send = new double[rounds];
        double[] trip = new double[rounds];
        double[] slowest = new double[rounds];
        try (ChannelTransport channel = ChannelTransport.open(sc, rdd, partitions, new NoTraining(),
                FaultInjection.none(), StepTransportConfig.DEFAULT_STEP_TIMEOUT)) {
            for (int i = 0; i < warmupRounds + rounds; i++) {
                params[0] = i; // the partials echo it: which round they answer
                StepTransport.StepExchange x = channel.exchange(i, params, shares, "channel floor, P=" + partitions);
                eachRound.accept(x.results());
                if (i >= warmupRounds) {
                    send[i - warmupRounds] = x.sendMillis();
                    trip[i - warmupRounds] = x.roundTripMillis();
                    slowest[i - warmupRounds] = slowestPartial(x.results());
                }
            }
        }
        boolean inProcess = sc.isLocal() && sc.getConf().getBoolean(ChannelTransport.IN_PROCESS, true);
        return new Result(send, trip, slowest, inProcess);
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("channel floor: " + name + " must be >= " + min + " (got " + value
                    + ")");
        }
    }

    private static double slowestPartial(TaskResult[] results) {
        double max = 0;
        for (TaskResult r : results) {
            max = Math.max(max, r.computeMillis());
        }
        return max;
    }

    /** A partial without training: a new gradient-sized array that carries the parameters' first value. */
    private static final class NoTraining implements PartitionCompute {
        private static final long serialVersionUID = 1L;

        @Override
        public TaskResult compute(Shard shard, float[] params, StepShare share, long step) {
            long start = System.nanoTime();
            float[] partial = new float[params.length];
            partial[0] = params[0];
            GradientSum sum = new GradientSum(partial, 0.0, share.size(), 1, 0.0);
            return new TaskResult(sum, (System.nanoTime() - start) / 1e6);
        }
    }
}
