package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both ways a channel task reaches the driver in local mode — in-process ({@link LocalLink}, the default) and
 * over a loopback connection ({@code spark.lockstep.channel.inProcess=false}, the path executors on other
 * machines take) — train bit-identically to the job transport, also when channel tasks fail and Spark retries
 * them. Which path ran is checked by the Netty client threads a network link starts and an in-process one does not.
 */
class ChannelPathsTest {
    private static final long SEED = 7;

    @ParameterizedTest(name = "inProcess={0}")
    @ValueSource(booleans = {true, false})
    void bothPathsTrainBitIdenticallyToTheJobTransportAlsoWithRetries(boolean inProcess) throws Exception {
        StepChannelTest.awaitNoChannelThreads(); // an earlier test's network link may still be shutting down
        SparkConf conf = new SparkConf().setMaster("local[3,4]").setAppName("channel-paths")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set(ChannelTransport.IN_PROCESS, String.valueOf(inProcess));
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR"); // the injected failures would log stack traces at WARN
        List<String> failed = new CopyOnWriteArrayList<>();
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo().failed() && end.reason() instanceof TaskFailedReason r) {
                    failed.add(r.toErrorString().lines().findFirst().orElse(""));
                }
            }
        });
        Dataset data = Synthetic.blobs(250, 12, 3, 11);
        ModelAdapter model = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 3);
        try {
            TrainConfig config = TrainConfig.builder().globalBatch(31).workers(3).steps(6).lr(1e-2)
                    .optimizer(OptimizerConfig.adam()).seed(SEED).build();
            float[] job = new SyncTrainer(sc, model, config).withTransport(StepTransportConfig.job())
                    .fit(shards, TrainListener.NONE).params();
            List<Boolean> clientThreads = new ArrayList<>();
            float[] channel = new SyncTrainer(sc, model, config).withTransport(StepTransportConfig.channel())
                    .withFaultInjection(new FaultInjection(Set.of(2L), Set.of(0, 2)))
                    .fit(shards, new TrainListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            clientThreads.add(Thread.getAllStackTraces().keySet().stream()
                                    .anyMatch(t -> t.isAlive() && t.getName().startsWith(ChannelSecurity.MODULE + "-client")));
                        }
                    }).params();
            sc.sc().listenerBus().waitUntilEmpty();
            assertArrayEquals(job, channel, "parameters after 6 steps with 2 retried channel tasks");
            assertEquals(2, failed.size(), "partitions 0 and 2 fail once at step 2: " + failed);
            assertTrue(failed.stream().allMatch(f -> f.contains("injected failure of step 2")), failed.toString());
            if (inProcess) {
                assertFalse(clientThreads.contains(true), "in-process tasks open no network connection");
            } else {
                assertTrue(clientThreads.stream().allMatch(b -> b), "every step ran with the tasks' network clients");
            }
        } finally {
            shards.release();
            sc.stop();
        }
    }
}
