package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code spark.lockstep.channel.port}: the step channel's server listens there; a taken port fails in one line. */
class StepChannelPortTest {
    private static final long SEED = 7;
    private static int port;
    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter mlp;

    @BeforeAll
    static void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free a moment ago; the context below takes it for its channels
        }
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("channel-port")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set(StepChannelPort.SETTING, String.valueOf(port)));
        sc.setLogLevel("WARN");
        data = Synthetic.blobs(120, 12, 3, 11);
        mlp = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void theServerListensOnTheConfiguredPortAndATakenPortFailsNamingTheSetting() {
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try (ChannelTransport first = open(shards)) {
            assertEquals(port, first.port());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(shards).close());
            assertTrue(e.getMessage().startsWith(StepChannelPort.SETTING + "=" + port
                    + ": the step channel cannot listen on 127.0.0.1:" + port + " ("), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        } finally {
            shards.release();
        }
    }

    @Test
    void theExecutorsTasksReachTheFixedPort() {
        TrainConfig config = TrainConfig.builder().globalBatch(24).workers(2).steps(4).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try {
            assertEquals(4, new SyncTrainer(sc, mlp, config).withTransport(StepTransportConfig.channel(Duration.ofSeconds(60)))
                    .fit(shards, TrainListener.NONE).steps(), "every step's partials came back over the channel");
        } finally {
            shards.release();
        }
    }

    @Test
    void badValuesNameTheSetting() {
        assertEquals(0, StepChannelPort.of(new SparkConf(false)), "default: ephemeral");
        assertEquals(7077, StepChannelPort.of(new SparkConf(false).set(StepChannelPort.SETTING, " 7077 ")));
        for (String bad : new String[] {"x", "-1", "65536", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StepChannelPort.of(new SparkConf(false).set(StepChannelPort.SETTING, bad)));
            assertEquals(StepChannelPort.SETTING + " must be a port number in 0..65535 (0 = ephemeral), got '"
                    + bad.trim() + "'", e.getMessage());
        }
    }

    private static ChannelTransport open(ShardedDataset shards) {
        return ChannelTransport.open(sc, shards.shards(), 2, new PartitionGradient(mlp, 0, SEED), FaultInjection.none(),
                Duration.ofMinutes(1));
    }
}
