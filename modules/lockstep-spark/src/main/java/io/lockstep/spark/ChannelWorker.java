package io.lockstep.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;

/**
 * A channel task's connection to the driver: registers, then hands every request the driver sends (a step or
 * the stop) to the task thread, which answers it. Netty's threads only decode and enqueue; the gradient is
 * computed on the Spark task thread. Losing the connection wakes the task thread with an error.
 */
final class ChannelWorker extends RpcHandler implements AutoCloseable {
    /** A request from the driver (a step order, or the stop) and how to answer it; {@code lost} set: the connection is gone. */
    record Request(ChannelMessages.StepOrder order, boolean stop, RpcResponseCallback reply, Throwable lost) {}

    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final TransportContext context;
    private final TransportClientFactory factory;
    private TransportClient client;

    ChannelWorker(ChannelSecurity security) {
        this.context = new TransportContext(security.conf(), this);
        this.factory = context.createClientFactory(security.clientBootstraps());
    }

    /**
     * Connects to the driver and registers; returns false when the driver answers that the channel is closing
     * (or is not this task's channel), so the task should end normally.
     *
     * @throws IOException if the connection or the authentication fails
     */
    boolean register(String host, int port, ChannelMessages.Registration r, long timeoutMillis)
            throws IOException, InterruptedException {
        client = factory.createUnmanagedClient(host, port);
        ByteBuffer answer = client.sendRpcSync(ChannelMessages.register(r), timeoutMillis);
        return ChannelMessages.type(answer) == ChannelMessages.ACCEPTED;
    }

    /** The next request, waiting at most {@code millis}; null if none came. */
    Request next(long millis) throws InterruptedException {
        return requests.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void receive(TransportClient from, ByteBuffer message, RpcResponseCallback callback) {
        byte type = ChannelMessages.type(message);
        if (type == ChannelMessages.STEP) {
            requests.add(new Request(ChannelMessages.readStepOrder(message), false, callback, null));
        } else if (type == ChannelMessages.STOP) {
            requests.add(new Request(null, true, callback, null));
        } else {
            callback.onFailure(new IllegalArgumentException("step channel task: unexpected message type " + type));
        }
    }

    @Override
    public void channelInactive(TransportClient c) {
        requests.add(new Request(null, false, null, new IOException("the connection to the driver closed")));
    }

    @Override
    public void exceptionCaught(Throwable cause, TransportClient c) {
        requests.add(new Request(null, false, null, cause));
    }

    @Override
    public StreamManager getStreamManager() {
        return new OneForOneStreamManager();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        factory.close();
        context.close();
    }
}
