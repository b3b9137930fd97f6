package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lockstep.config.ConfigException;
import io.lockstep.config.StepTransportConfig;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * {@code auto} is the channel where the context can run it and the job transport, with the reason, where it cannot;
 * {@code channel} is refused there in one line; {@code job} is always taken as asked.
 */
class TransportChoiceTest {
    private static final StepTransportConfig AUTO = StepTransportConfig.of(StepTransportConfig.Kind.AUTO,
            Duration.ofSeconds(42));

    @Test
    void onALocalMasterAutoIsTheChannelUpToItsTaskSlotsThenJob() {
        withContext("local[2]", false, sc -> {
            TransportChoice two = TransportChoice.of(sc, 2, AUTO);
            assertEquals(StepTransportConfig.channel(Duration.ofSeconds(42)), two.used(), "the timeout is kept");
            assertNull(two.reason());
            TransportChoice three = TransportChoice.of(sc, 3, AUTO);
            assertEquals(StepTransportConfig.job(), three.used());
            assertEquals("3 partitions need 3 task slots, master local[2] has 2", three.reason());
            assertEquals("job (auto, because 3 partitions need 3 task slots, master local[2] has 2; one Spark job per"
                    + " step)", three.describe());
            assertEquals("step transport channel: 3 partitions need 3 task slots, master local[2] has 2; use step"
                    + " transport job (or auto, which falls back to it)", assertThrows(ConfigException.class,
                    () -> TransportChoice.of(sc, 3, StepTransportConfig.channel())).getMessage());
            assertEquals(StepTransportConfig.job(), TransportChoice.of(sc, 3, StepTransportConfig.job()).used());
            assertEquals("channel (one long-running Spark job; step timeout 600 s)",
                    TransportChoice.of(sc, 2, StepTransportConfig.channel()).describe());
        });
    }

    @Test
    void theSlotsAreTheSchedulersNotSparkDefaultParallelism() {
        withContext("local[2]", false, Map.of("spark.default.parallelism", "8"), sc -> {
            assertEquals(8, sc.defaultParallelism());
            assertEquals(2, TransportChoice.taskSlots(sc));
            assertEquals(StepTransportConfig.job(), TransportChoice.of(sc, 3, AUTO).used());
        });
        withContext("local[4]", false, Map.of("spark.task.cpus", "2"), sc -> {
            assertEquals(2, TransportChoice.taskSlots(sc), "4 cores, 2 per task");
            assertEquals("3 partitions need 3 task slots, master local[4] has 2", TransportChoice.of(sc, 3, AUTO).reason());
        });
    }

    @Test
    void withSpeculationAutoIsJobAndTheChannelIsRefused() {
        withContext("local[2]", true, sc -> {
            TransportChoice one = TransportChoice.of(sc, 1, AUTO);
            assertEquals(StepTransportConfig.job(), one.used());
            assertEquals("spark.speculation=true would start duplicate long-running channel tasks", one.reason());
            assertThrows(ConfigException.class, () -> TransportChoice.of(sc, 1, StepTransportConfig.channel()));
        });
    }

    @Test
    void aUsedTransportIsNeverAuto() {
        assertThrows(IllegalArgumentException.class, () -> new TransportChoice(AUTO, AUTO, null));
    }

    private static void withContext(String master, boolean speculation, Consumer<JavaSparkContext> body) {
        withContext(master, speculation, Map.of(), body);
    }

    private static void withContext(String master, boolean speculation, Map<String, String> more,
                                    Consumer<JavaSparkContext> body) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("transport-choice")
                .set("spark.ui.enabled", "false").set("spark.speculation", String.valueOf(speculation));
        more.forEach(conf::set);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            body.accept(sc);
        }
    }
}
