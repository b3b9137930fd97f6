package io.lockstep.bench;

import io.lockstep.spark.ChannelFloor;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What the step channel costs without training on the bench's context ({@link ChannelFloor}: real channel rounds
 * whose tasks answer at once with a parameter-sized partial): the floor under Lockstep's per-step overhead with
 * {@code --step-transport channel}, as {@link SparkFloor} is for the job transport. Medians of the timed rounds.
 *
 * @param path             {@code in-process} (local mode's default link) or {@code network}
 * @param sendMs           encoding and sending one round's orders (a step's "broadcast")
 * @param roundTripMs      from sent to all P partials received (a step's "job")
 * @param slowestPartialMs the round's slowest no-training partial, inside its task (a step's "slowest task")
 * @param floorMs          send + round trip − slowest partial, per round: a step's overhead as {@link Breakdown}
 *                         counts it, without merge ("aggregate") and update
 * @param rounds           timed rounds (after as many untimed)
 */
record ChannelFloorMedians(String path, double sendMs, double roundTripMs, double slowestPartialMs, double floorMs,
                           int rounds) {

    static ChannelFloorMedians measure(JavaSparkContext sc, int partitions, int numParams, int rounds) {
        ChannelFloor.Result r = ChannelFloor.measure(sc, partitions, numParams, rounds, rounds);
        double[] floor = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            floor[i] = r.sendMillis()[i] + r.roundTripMillis()[i] - r.slowestPartialMillis()[i];
        }
        return new ChannelFloorMedians(r.inProcess() ? "in-process" : "network", Measurement.median(r.sendMillis()),
                Measurement.median(r.roundTripMillis()), Measurement.median(r.slowestPartialMillis()),
                Measurement.median(floor), rounds);
    }

    String describe(int partitions, int numParams) {
        return String.format(Locale.ROOT, "%s path, %d tasks answering %,d floats each without training: send %.2f ms,"
                + " round trip %.2f ms, slowest partial %.2f ms; send + round trip - slowest partial %.2f ms"
                + " (medians of %d rounds after %d untimed)", path, partitions, numParams, sendMs, roundTripMs,
                slowestPartialMs, floorMs, rounds, rounds);
    }
}
