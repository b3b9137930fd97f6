package io.lockstep.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.network.client.RpcResponseCallback;
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
 */
final class ChannelHub extends RpcHandler {
    private final int partitions;
    private final TransportClient[] members;
    private final int[] attempts;
    /** The id tasks of the running job register with; null = closing (registrations are told to stop). */
    private String channelId;
    private long step = -1;
    /** Counts {@link #start} calls: a result belongs to the round it was ordered in (a rolled-back step repeats its number). */
    private long round;
    private ByteBuffer[] orders;
    private TaskResult[] results;
    private int missing;
    private int registrations;
    private int lostConnections;

    ChannelHub(int partitions) {
        this.partitions = partitions;
        this.members = new TransportClient[partitions];
        this.attempts = new int[partitions];
    }

    /** Accepts registrations with {@code id} (a new job of channel tasks). */
    synchronized void expect(String id) {
        channelId = id;
        java.util.Arrays.fill(members, null);
    }

    /** Stops accepting tasks (later registrations are told to end) and returns the connections to stop. */
    synchronized List<TransportClient> closing() {
        channelId = null;
        List<TransportClient> open = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (members[p] != null) {
                open.add(members[p]);
                members[p] = null;
            }
        }
        return open;
    }

    /** Starts {@code s}: sends partition p's order {@code stepOrders[p]} to its task, now or when it registers. */
    synchronized void start(long s, ByteBuffer[] stepOrders) {
        step = s;
        round++;
        orders = stepOrders;
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
        register(client, ChannelMessages.readRegistration(message), callback);
    }

    private synchronized void register(TransportClient client, ChannelMessages.Registration r, RpcResponseCallback callback) {
        if (channelId == null) {
            callback.onSuccess(ChannelMessages.signal(ChannelMessages.STOP));
            return;
        }
        if (!channelId.equals(r.channelId()) || r.partition() < 0 || r.partition() >= partitions) {
            callback.onSuccess(ChannelMessages.rejected("not a task of channel " + channelId + " with " + partitions
                    + " partitions: " + r));
            return;
        }
        int p = r.partition();
        if (members[p] != null && members[p] != client) {
            members[p].getChannel().close(); // not TransportClient.close(), which waits: this is a Netty thread
        }
        members[p] = client;
        attempts[p] = r.attempt();
        registrations++;
        callback.onSuccess(ChannelMessages.signal(ChannelMessages.ACCEPTED));
        if (orders != null && results[p] == null) {
            send(p);
        }
        notifyAll();
    }

    /** Sends the current step's order to partition p's connection (holding the lock). */
    private void send(int p) {
        TransportClient c = members[p];
        long r = round;
        c.sendRpc(orders[p].duplicate(), new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                accept(p, r, ChannelMessages.readResult(response));
            }

            @Override
            public void onFailure(Throwable e) {
                lost(p, c);
            }
        });
    }

    private synchronized void accept(int p, long orderedIn, TaskResult r) {
        if (orderedIn == round && results[p] == null) {
            results[p] = r;
            if (--missing == 0) {
                orders = null;
            }
            notifyAll();
        }
    }

    /** The connection {@code c} failed or closed: its partition waits for its next attempt. */
    private synchronized void lost(int p, TransportClient c) {
        if (members[p] == c) {
            members[p] = null;
            lostConnections++;
            c.getChannel().close(); // a live task behind a failed request ends too (no waiting on a Netty thread)
            notifyAll();
        }
    }

    @Override
    public void channelInactive(TransportClient client) {
        synchronized (this) {
            for (int p = 0; p < partitions; p++) {
                if (members[p] == client) {
                    lost(p, client);
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
        for (TransportClient c : members) {
            n += c == null ? 0 : 1;
        }
        return n;
    }
}
