package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.server.TransportServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code spark.authenticate=true} and {@code spark.network.crypto.enabled=true} the step channel trains as
 * the job transport does, refuses connections that do not prove the application secret (none, or a wrong one),
 * and its traffic is encrypted: a relay between task and driver never sees a registration's bytes in clear —
 * while, as a check of the relay itself, it does when the crypto setting is off.
 */
class ChannelSecurityTest {
    private static final long SEED = 7;
    private static final String SECRET = "the-application-secret-of-this-test";

    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter mlp;

    @BeforeAll
    static void start() {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("channel-security")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.authenticate", "true")
                .set("spark.authenticate.secret", SECRET)
                .set("spark.network.crypto.enabled", "true");
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR"); // the refused connections log at WARN/ERROR
        data = Synthetic.blobs(250, 12, 3, 11);
        mlp = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void authenticatedEncryptedChannelTrainsLikeTheJobTransport() {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(5).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try {
            float[] job = new SyncTrainer(sc, mlp, config).withTransport(StepTransportConfig.job())
                    .fit(shards, TrainListener.NONE).params();
            float[] channel = new SyncTrainer(sc, mlp, config).withTransport(StepTransportConfig.channel())
                    .fit(shards, TrainListener.NONE).params();
            assertArrayEquals(job, channel);
        } finally {
            shards.release();
        }
    }

    @Test
    void connectionsWithoutTheSecretAreRefused() throws Exception {
        ShardedDataset shards = ShardedDataset.distribute(sc, data, 2);
        try (ChannelTransport channel = ChannelTransport.open(sc, shards.shards(), 2, new PartitionGradient(mlp, 0, SEED),
                FaultInjection.none(), Duration.ofMinutes(1))) {
            ChannelMessages.Registration r = new ChannelMessages.Registration("any", 0, 0);

            TransportContext plain = new TransportContext(ChannelSecurity.conf(new SparkConf(false), 60_000, 1),
                    new NoOpRpcHandler());
            try (var factory = plain.createClientFactory()) {
                TransportClient client = factory.createUnmanagedClient("127.0.0.1", channel.port());
                assertThrows(RuntimeException.class, () -> client.sendRpcSync(ChannelMessages.register(r), 10_000),
                        "a client without authentication gets no answer");
                client.close();
            } finally {
                plain.close();
            }

            ChannelSecurity right = ChannelSecurity.of(sc.getConf(), 60_000, 1);
            ChannelSecurity wrong = new ChannelSecurity(right.conf(), true, keys("not-the-secret"), right.user());
            try (ChannelWorker w = new ChannelWorker(wrong, "127.0.0.1", channel.port())) {
                assertThrows(Exception.class, () -> w.register(r, 10_000),
                        "a client with a wrong secret is refused");
            }
            try (ChannelWorker w = new ChannelWorker(right, "127.0.0.1", channel.port())) {
                assertFalse(w.register(r, 10_000),
                        "with the secret the registration is answered (stop: no job runs)");
            }
            assertEquals(0, channel.counts()[0], "no registration was accepted");
        } finally {
            shards.release();
        }
    }

    @Test
    void theChannelIsEncryptedWhenNetworkCryptoIsOn() throws Exception {
        String marker = "a-marker-that-must-not-travel-in-clear";
        String sniffedOn = sniffRegistration(true, marker);
        assertFalse(sniffedOn.contains(marker), "with spark.network.crypto.enabled=true the registration is encrypted");
        String sniffedOff = sniffRegistration(false, marker);
        assertTrue(sniffedOff.contains(marker), "the relay sees clear text when crypto is off (SASL auth only)");
    }

    /** Registers through a recording relay with a server configured {@code crypto}; returns what the client sent. */
    private static String sniffRegistration(boolean crypto, String channelId) throws Exception {
        SparkConf conf = sc.getConf().clone().set("spark.network.crypto.enabled", String.valueOf(crypto));
        ChannelSecurity security = ChannelSecurity.of(conf, 60_000, 1);
        TransportContext context = new TransportContext(security.conf(), new ChannelHub(1));
        try (TransportServer server = context.createServer("127.0.0.1", 0, security.serverBootstraps());
             Relay relay = new Relay(server.getPort());
             ChannelWorker w = new ChannelWorker(security, "127.0.0.1", relay.port())) {
            assertFalse(w.register(new ChannelMessages.Registration(channelId, 0, 0), 10_000),
                    "the registration is answered through the relay");
            return relay.clientBytes();
        } finally {
            context.close();
        }
    }

    private static SecretKeyHolder keys(String secret) {
        return new SecretKeyHolder() {
            @Override
            public String getSaslUser(String appId) {
                return SparkEnv.get().securityManager().getSaslUser();
            }

            @Override
            public String getSecretKey(String appId) {
                return secret;
            }
        };
    }

    /** A one-connection TCP relay on 127.0.0.1 that records what the client sends. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        private final Thread acceptor;

        Relay(int target) throws IOException {
            acceptor = new Thread(() -> {
                try (Socket client = socket.accept(); Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
                    Thread back = pump(server.getInputStream(), client.getOutputStream(), null);
                    pump(client.getInputStream(), server.getOutputStream(), fromClient).join();
                    back.join();
                } catch (IOException | InterruptedException e) {
                    // the test closed the relay
                }
            }, "channel-test-relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        String clientBytes() {
            synchronized (fromClient) {
                return fromClient.toString(StandardCharsets.ISO_8859_1);
            }
        }

        private static Thread pump(InputStream in, OutputStream out, ByteArrayOutputStream record) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        if (record != null) {
                            synchronized (record) {
                                record.write(buf, 0, n);
                            }
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                    out.close();
                } catch (IOException e) {
                    // connection closed
                }
            }, "channel-test-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
