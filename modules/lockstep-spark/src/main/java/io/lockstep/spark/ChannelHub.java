package io.lockstep.spark;

import io.lockstep.data.StepShare;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;

/**
 * The driver's side of the step channel: which connection serves each partition, the current step's orders and
 * the results received so far. A task that registers (partition, attempt) replaces any earlier connection of its
 * partition and at once receives the current step's order if that partition's result is still missing; a lost
 * connection leaves the partition waiting for Spark's next attempt. Results are accepted once per partition and
 * step, whichever attempt sends them (they are equal, bit for bit). All state is guarded by this object's lock.
 *
 * <p>Orders go out as upload streams whose body is the round's one parameter buffer (shared by all partitions,
 * held until the round is over and every send of it has ended); results come in as upload streams decoded
 * straight into a float array per partition, which is reused once the round after next starts — so the results
 * {@link #await} returns are valid until the next {@link #start}.
 */
final class ChannelHub extends RpcHandler {
    /** A registered channel task, as the hub talks to it: over the network or in this JVM ({@link LocalLink}). */
    interface Member {
        /**
         * Sends a step order: its header, the parameters as the round's send buffer and as the driver's array;
         * {@code lost} runs if the send fails.
         */
        void order(ChannelMessages.StepHeader header, SendBuffers.Lease params, float[] paramArray, Runnable lost);

        /** Tells the task to end normally (one-way). */
        void stop();

        /** Ends the link without waiting (the task, if alive, then fails its attempt). */
        void drop();
    }

    /** A task connected over Spark's network transport. */
    private record NetMember(TransportClient client) implements Member {
        @Override
        public void order(ChannelMessages.StepHeader header, SendBuffers.Lease params, float[] paramArray,
                          Runnable lost) {
            client.uploadStream(new NioManagedBuffer(ChannelMessages.stepHeader(header)),
                    new NioManagedBuffer(params.retain()),
                    new RpcResponseCallback() {
                        @Override
                        public void onSuccess(ByteBuffer ack) {
                            params.release();
                        }

                        @Override
                        public void onFailure(Throwable e) {
                            params.release();
                            lost.run();
                        }
                    });
        }

        @Override
        public void stop() {
            client.send(ChannelMessages.signal(ChannelMessages.STOP));
        }

        @Override
        public void drop() {
            client.getChannel().close(); // not TransportClient.close(), which waits: this may be a Netty thread
        }
    }

    private final int partitions;
    private final Member[] members;
    private final int[] attempts;
    /** The id tasks of the running job register with; null = closing (registrations are told to stop). */
    private String channelId;
    private long step = -1;
    /** Counts {@link #start} calls: a result belongs to the round it was ordered in (a rolled-back step repeats its number). */
    private long round;
    private ChannelMessages.StepHeader[] headers;
    private SendBuffers.Lease body;
    private float[] paramArray;
    private TaskResult[] results;
    /** Per partition, a gradient array free for the next result stream (from a result already merged). */
    private final float[][] spare;
    private int missing;
    private int registrations;
    private int lostConnections;

    ChannelHub(int partitions) {
        this.partitions = partitions;
        this.members = new Member[partitions];
        this.attempts = new int[partitions];
        this.spare = new float[partitions][];
    }

    /** Accepts registrations with {@code id} (a new job of channel tasks). */
    synchronized void expect(String id) {
        channelId = id;
        java.util.Arrays.fill(members, null);
    }

    /** Stops accepting tasks (later registrations are told to end) and returns the connections to stop. */
    synchronized List<Member> closing() {
        channelId = null;
        List<Member> open = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (members[p] != null) {
                open.add(members[p]);
                members[p] = null;
            }
        }
        return open;
    }

    /**
     * Starts step {@code s}: sends partition p its share {@code shares[p]} and the parameters {@code array},
     * encoded in {@code params} (this round's holder of that lease), now or when its task registers. The array
     * must not change until the round is over. The previous round's results are handed back for reuse.
     */
    synchronized void start(long s, StepShare[] shares, SendBuffers.Lease params, float[] array) {
        endRound();
        recycleResults();
        step = s;
        round++;
        headers = new ChannelMessages.StepHeader[partitions];
        for (int p = 0; p < partitions; p++) {
            headers[p] = new ChannelMessages.StepHeader(s, round, array.length, shares[p]);
        }
        body = params;
        paramArray = array;
        results = new TaskResult[partitions];
        missing = partitions;
        for (int p = 0; p < partitions; p++) {
            if (members[p] != null) {
                send(p);
            }
        }
    }

    /**
     * Waits for every result of the current step.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which the step must be complete
     * @param jobEnded      null while the channel's job runs, else why it ended
     * @param timeout       the step timeout, as the message should say it
     * @throws IllegalStateException (one line) when the deadline passes, the job ends or the thread is interrupted
     */
    synchronized TaskResult[] await(long deadlineNanos, Supplier<String> jobEnded, String timeout) {
        while (missing > 0) {
            String ended = jobEnded.get();
            if (ended != null) {
                throw new IllegalStateException(ended);
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("step " + step + " did not complete within " + timeout
                        + " on the step channel: no result from partitions " + missingPartitions() + " (tasks connected: "
                        + connected() + " of " + partitions + "; the channel needs a free task slot per partition)");
            }
            try {
                wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for step " + step + " on the step channel", e);
            }
        }
        return results.clone();
    }

    /** Releases this round's parameter buffer (once its sends end, it is reused). */
    synchronized void endRound() {
        headers = null;
        paramArray = null;
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private void recycleResults() {
        if (results == null) {
            return;
        }
        for (int p = 0; p < partitions; p++) {
            if (results[p] != null && results[p].partial().gradientSum() != null) {
                recycle(p, results[p].partial().gradientSum());
            }
        }
    }

    private void recycle(int p, float[] a) {
        if (spare[p] == null) {
            spare[p] = a;
        }
    }

    /** A gradient array of {@code n} floats for a result stream of partition p. */
    private synchronized float[] resultArray(int p, int n) {
        float[] a = spare[p];
        spare[p] = null;
        return FloatArrays.reuseOrNew(a, n);
    }

    /** Registrations accepted and connections lost so far (for tests and diagnostics). */
    synchronized int[] counts() {
        return new int[] {registrations, lostConnections};
    }

    @Override
    public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
        if (ChannelMessages.type(message) != ChannelMessages.REGISTER) {
            callback.onFailure(new IllegalArgumentException("step channel: a task may only register"));
            return;
        }
        callback.onSuccess(admit(new NetMember(client), ChannelMessages.readRegistration(message)));
    }

    /**
     * Registers task {@code m} as {@code r} says and returns the answer ({@link ChannelMessages#ACCEPTED},
     * {@link ChannelMessages#STOP} or a rejection); an accepted task at once gets the current order if its
     * partition's result is missing.
     */
    synchronized ByteBuffer admit(Member m, ChannelMessages.Registration r) {
        if (channelId == null) {
            return ChannelMessages.signal(ChannelMessages.STOP);
        }
        if (!channelId.equals(r.channelId()) || r.partition() < 0 || r.partition() >= partitions) {
            return ChannelMessages.rejected("not a task of channel " + channelId + " with " + partitions
                    + " partitions: " + r);
        }
        int p = r.partition();
        if (members[p] != null && !members[p].equals(m)) {
            members[p].drop();
        }
        members[p] = m;
        attempts[p] = r.attempt();
        registrations++;
        if (headers != null && results[p] == null) {
            send(p);
        }
        notifyAll();
        return ChannelMessages.signal(ChannelMessages.ACCEPTED);
    }

    /** Sends the current step's order to partition p's connection (holding the lock). */
    private void send(int p) {
        Member m = members[p];
        m.order(headers[p], body, paramArray, () -> lost(p, m));
    }

    /** An in-process task ended: its partition waits for the next attempt, as after a lost connection. */
    synchronized void closedLocal(LocalLink link) {
        for (int p = 0; p < partitions; p++) {
            if (link.equals(members[p])) {
                lost(p, link);
            }
        }
    }

    /**
     * Takes partition p's result of {@code orderedIn} (from a result stream, or an in-process {@link LocalLink});
     * false (the result is not used) for a stale or second one.
     */
    synchronized boolean accept(int p, long orderedIn, TaskResult r) {
        if (orderedIn != round || results == null || results[p] != null) {
            return false;
        }
        results[p] = r;
        if (--missing == 0) {
            endRound();
        }
        notifyAll();
        return true;
    }

    /** A task's result: decoded as it arrives into a gradient array of its partition. */
    @Override
    public StreamCallbackWithID receiveStream(TransportClient client, ByteBuffer header, RpcResponseCallback callback) {
        ChannelMessages.ResultHeader h = ChannelMessages.readResultHeader(header);
        if (h.partition() < 0 || h.partition() >= partitions) {
            throw new IllegalArgumentException("step channel: a result of partition " + h.partition() + ", the channel has "
                    + partitions);
        }
        FloatSink sink = h.gradientLength() < 0 ? null : new FloatSink(resultArray(h.partition(), h.gradientLength()));
        return new StreamCallbackWithID() {
            @Override
            public String getID() {
                return "lockstep-result-" + h.round() + "-" + h.partition();
            }

            @Override
            public void onData(String id, ByteBuffer chunk) throws IOException {
                if (sink == null) {
                    throw new IOException("step channel: a result without a gradient carries data");
                }
                sink.accept(chunk);
            }

            @Override
            public void onComplete(String id) throws IOException {
                float[] g = sink == null ? null : sink.complete();
                if (!accept(h.partition(), h.round(), h.toResult(g)) && g != null) {
                    synchronized (ChannelHub.this) {
                        recycle(h.partition(), g);
                    }
                }
            }

            @Override
            public void onFailure(String id, Throwable cause) {
                // the connection failed mid-stream: channelInactive reports the partition lost
            }
        };
    }

    /** The link of {@code m} failed or closed: its partition waits for its next attempt. */
    private synchronized void lost(int p, Member m) {
        if (m.equals(members[p])) {
            members[p] = null;
            lostConnections++;
            m.drop(); // a live task behind a failed request ends too (no waiting on a Netty thread)
            notifyAll();
        }
    }

    @Override
    public void channelInactive(TransportClient client) {
        synchronized (this) {
            for (int p = 0; p < partitions; p++) {
                if (members[p] instanceof NetMember n && n.client() == client) {
                    lost(p, members[p]);
                }
            }
        }
    }

    @Override
    public StreamManager getStreamManager() {
        return new OneForOneStreamManager();
    }

    private List<Integer> missingPartitions() {
        List<Integer> m = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (results != null && results[p] == null) {
                m.add(p);
            }
        }
        return m;
    }

    private int connected() {
        int n = 0;
        for (Member m : members) {
            n += m == null ? 0 : 1;
        }
        return n;
    }
}
