package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The channel floor runs real channel rounds on both local paths (in-process and loopback network, told apart by
 * the Netty client threads only a network link starts): every round brings back P partials of the parameters'
 * length answering that round, the timed rounds are the ones asked for, and the channel's tasks are gone afterwards
 * (a job needing every task slot runs). Bad counts and a context without a slot per partition are refused in one
 * line. No timing is asserted.
 */
class ChannelFloorTest {
    private static final int PARTITIONS = 2;
    private static final int PARAMS = 1_000;

    @ParameterizedTest(name = "inProcess={0}")
    @ValueSource(booleans = {true, false})
    void roundsReturnEveryPartialAndFreeTheTaskSlots(boolean inProcess) throws Exception {
        JavaSparkContext sc = context(inProcess);
        try {
            List<String> rounds = new ArrayList<>(); // read at once: the network path reuses result arrays
            List<Boolean> clientThreads = new ArrayList<>();
            ChannelFloor.Result r = ChannelFloor.measure(sc, PARTITIONS, PARAMS, 3, 5, results -> {
                rounds.add(describe(results));
                clientThreads.add(networkClientRunning());
            });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 8; i++) { // 3 warm-up + 5 timed rounds; each partial carries its round's number
                String partial = PARAMS + " floats from " + (float) i;
                expected.add("[" + partial + ", " + partial + "]");
            }
            assertEquals(expected, rounds);
            assertEquals(5, r.sendMillis().length);
            assertEquals(5, r.roundTripMillis().length);
            assertEquals(5, r.slowestPartialMillis().length);
            assertEquals(inProcess, r.inProcess());
            assertTrue(clientThreads.stream().allMatch(b -> b == !inProcess),
                    (inProcess ? "no round" : "every round") + " ran with network clients: " + clientThreads);
            long count = sc.parallelize(List.of(1, 2, 3, 4), PARTITIONS).countAsync().get(60, TimeUnit.SECONDS);
            assertEquals(4, count, "a job on both task slots after the floor");
        } finally {
            sc.stop();
        }
    }

    @Test
    void refusesCountsBelowTheirMinimumAndMorePartitionsThanTaskSlots() {
        JavaSparkContext sc = context(true);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ChannelFloor.measure(sc, PARTITIONS, PARAMS, 0, 0));
            assertEquals("channel floor: rounds must be >= 1 (got 0)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelFloor.measure(sc, PARTITIONS, 0, 0, 1));
            assertEquals("channel floor: numParams must be >= 1 (got 0)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ChannelFloor.measure(sc, 3, PARAMS, 0, 1));
            String refused = "step transport channel: 3 partitions need 3 task slots, master local[2] has 2";
            assertTrue(e.getMessage().startsWith(refused), e.getMessage());
        } finally {
            sc.stop();
        }
    }

    private static JavaSparkContext context(boolean inProcess) {
        SparkConf conf = new SparkConf().setMaster("local[" + PARTITIONS + "]").setAppName("channel-floor")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set(ChannelTransport.IN_PROCESS, String.valueOf(inProcess));
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    /** Per partition: the partial's length and first value. */
    private static String describe(TaskResult[] results) {
        List<String> parts = new ArrayList<>();
        for (TaskResult t : results) {
            float[] g = t == null ? null : t.partial().gradientSum();
            parts.add(g == null ? "no partial" : g.length + " floats from " + g[0]);
        }
        return parts.toString();
    }

    private static boolean networkClientRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith(ChannelSecurity.MODULE + "-client"));
    }
}
