package io.lockstep.spark;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.server.TransportServerBootstrap;

/**
 * The port the step channel's server listens on: Spark conf {@value #SETTING}, default 0 = an ephemeral port; a
 * fixed one lets a firewalled cluster open just that port from the executors to the driver. A bad value or a port
 * that cannot be bound fails with one line naming the setting.
 */
final class StepChannelPort {
    /** The Spark conf key. */
    static final String SETTING = "spark.lockstep.channel.port";

    private StepChannelPort() {
    }

    /** The configured port, 0..65535 (0 = ephemeral). */
    static int of(SparkConf conf) {
        String v = conf.get(SETTING, "0").trim();
        try {
            int port = Integer.parseInt(v);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(SETTING + " must be a port number in 0..65535 (0 = ephemeral), got '" + v
                + "'");
    }

    /** The channel's server on {@code host} at the configured port. */
    static TransportServer listen(TransportContext context, String host, SparkConf conf,
                                  List<TransportServerBootstrap> bootstraps) {
        int port = of(conf);
        try {
            return context.createServer(host, port, bootstraps);
        } catch (Exception e) { // Netty rethrows the bind failure (a checked BindException) undeclared
            String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException(SETTING + "=" + port + ": the step channel cannot listen on " + host + ":"
                    + port + " (" + cause.lines().findFirst().orElse(cause) + "); free the port or choose another",
                    e);
        }
    }
}
