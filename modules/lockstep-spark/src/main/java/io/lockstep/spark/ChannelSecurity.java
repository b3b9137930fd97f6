package io.lockstep.spark;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.client.TransportClientBootstrap;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.crypto.AuthServerBootstrap;
import org.apache.spark.network.netty.SparkTransportConf;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.apache.spark.network.server.TransportServerBootstrap;
import org.apache.spark.network.util.TransportConf;
import scala.Option;

/**
 * The step channel's network settings and security, wired the way Spark wires its own RPC and block transfer:
 * with {@code spark.authenticate=true} the server accepts only clients that prove they hold the application's
 * secret (Spark's {@code AuthServerBootstrap}/{@code AuthClientBootstrap}: the AES-based auth protocol when
 * {@code spark.network.crypto.enabled=true}, which then also encrypts the channel, else SASL, encrypted when
 * {@code spark.authenticate.enableSaslEncryption=true}). The secret comes from this JVM's
 * {@code SparkEnv} security manager, driver and executors alike.
 *
 * @param conf         the transport settings of module {@value #MODULE} ({@code spark.lockstep.io.*})
 * @param authenticate whether clients must authenticate
 * @param keys         the application secret (null when not authenticating)
 * @param user         the SASL user / application id clients present
 */
record ChannelSecurity(TransportConf conf, boolean authenticate, SecretKeyHolder keys, String user) {
    /** Spark network module name: settings are {@code spark.lockstep.io.*}. */
    static final String MODULE = "lockstep";

    /**
     * This JVM's settings from {@code sparkConf} and {@code SparkEnv}'s security manager. The connection timeout
     * (after which a connection with a request outstanding is closed) is set to {@code idleTimeoutMillis}, longer
     * than any step may take.
     */
    static ChannelSecurity of(SparkConf sparkConf, long idleTimeoutMillis, int cores) {
        org.apache.spark.SecurityManager sm = SparkEnv.get().securityManager();
        boolean auth = sm.isAuthenticationEnabled();
        return new ChannelSecurity(conf(sparkConf, idleTimeoutMillis, cores), auth, auth ? sm : null,
                auth ? sm.getSaslUser() : null);
    }

    /** The transport settings of module {@value #MODULE} with the given connection timeout and thread count. */
    static TransportConf conf(SparkConf sparkConf, long idleTimeoutMillis, int cores) {
        SparkConf c = sparkConf.clone().set("spark." + MODULE + ".io.connectionTimeout", idleTimeoutMillis + "ms");
        return SparkTransportConf.fromSparkConf(c, MODULE, cores, Option.empty());
    }

    List<TransportServerBootstrap> serverBootstraps() {
        return authenticate ? List.of(new AuthServerBootstrap(conf, keys)) : List.of();
    }

    List<TransportClientBootstrap> clientBootstraps() {
        return authenticate ? List.of(new AuthClientBootstrap(conf, user, keys)) : List.of();
    }
}
