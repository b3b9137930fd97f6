package io.lockstep.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;

/**
 * A channel task's connection to the driver: registers, then hands every request the driver sends (a step or
 * the stop) to the task thread, which answers it with {@link #sendResult}. Netty's threads only decode (a step's
 * parameters straight from the socket's chunks into a reused array) and enqueue; the gradient is computed on the
 * Spark task thread. Losing the connection wakes the task thread with an error.
 */
final class ChannelWorker extends RpcHandler implements ChannelLink {
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final TransportContext context;
    private final TransportClientFactory factory;
    private final SendBuffers sendBuffers = new SendBuffers();
    private final String host;
    private final int port;
    private TransportClient client;
    /** A parameter array free for the next order (the task thread hands it back after computing). */
    private float[] spareParams;

    /** A link to the channel server at {@code host}:{@code port}. */
    ChannelWorker(ChannelSecurity security, String host, int port) {
        this.host = host;
        this.port = port;
        this.context = new TransportContext(security.conf(), this);
        this.factory = context.createClientFactory(security.clientBootstraps());
    }

    /** Connects to the driver and registers. */
    @Override
    public boolean register(ChannelMessages.Registration r, long timeoutMillis) throws IOException, InterruptedException {
        client = factory.createUnmanagedClient(host, port);
        ByteBuffer answer = client.sendRpcSync(ChannelMessages.register(r), timeoutMillis);
        return ChannelMessages.type(answer) == ChannelMessages.ACCEPTED;
    }

    @Override
    public Request next(long millis) throws InterruptedException {
        return requests.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void recycle(float[] params) {
        spareParams = params;
    }

    private synchronized float[] paramsArray(int n) {
        float[] a = spareParams;
        spareParams = null;
        return FloatArrays.reuseOrNew(a, n);
    }

    @Override
    public void sendResult(long round, int partition, TaskResult result) {
        float[] g = result.partial().gradientSum();
        SendBuffers.Lease body = g == null ? null : sendBuffers.take(g.length);
        if (body != null) {
            ChannelMessages.putFloats(g, body.buffer());
        }
        ByteBuffer data = body == null ? ByteBuffer.allocate(0) : body.buffer(); // the send is its only holder
        client.uploadStream(new NioManagedBuffer(ChannelMessages.resultHeader(round, partition, result)),
                new NioManagedBuffer(data), new RpcResponseCallback() {
                    @Override
                    public void onSuccess(ByteBuffer ack) {
                        release(body);
                    }

                    @Override
                    public void onFailure(Throwable e) {
                        release(body);
                        requests.add(new Request(null, null, false, e));
                    }
                });
    }

    private static void release(SendBuffers.Lease body) {
        if (body != null) {
            body.release();
        }
    }

    /** A step order: its parameters decoded as they arrive, then handed to the task thread. */
    @Override
    public StreamCallbackWithID receiveStream(TransportClient from, ByteBuffer header, RpcResponseCallback callback) {
        ChannelMessages.StepHeader h = ChannelMessages.readStepHeader(header);
        FloatSink sink = new FloatSink(paramsArray(h.params()));
        return new StreamCallbackWithID() {
            @Override
            public String getID() {
                return "lockstep-order-" + h.round();
            }

            @Override
            public void onData(String id, ByteBuffer chunk) throws IOException {
                sink.accept(chunk);
            }

            @Override
            public void onComplete(String id) throws IOException {
                requests.add(new Request(h, sink.complete(), false, null));
            }

            @Override
            public void onFailure(String id, Throwable cause) {
                // the connection failed mid-stream: channelInactive wakes the task thread
            }
        };
    }

    @Override
    public void receive(TransportClient from, ByteBuffer message, RpcResponseCallback callback) {
        byte type = ChannelMessages.type(message);
        if (type == ChannelMessages.STOP) {
            requests.add(new Request(null, null, true, null));
        } else {
            callback.onFailure(new IllegalArgumentException("step channel task: unexpected message type " + type));
        }
    }

    @Override
    public void channelInactive(TransportClient c) {
        requests.add(new Request(null, null, false, new IOException("the connection to the driver closed")));
    }

    @Override
    public void exceptionCaught(Throwable cause, TransportClient c) {
        requests.add(new Request(null, null, false, cause));
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
