package io.lockstep.spark;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The step channel inside one JVM: a channel task that runs in the driver's JVM (local mode) registers with the
 * driver's {@link ChannelHub} directly, takes the step's parameters as the driver's array and hands its result
 * over as it is — no socket, no encoding, no copy. Reading the driver's array is safe because the driver does not
 * change its parameters while a round is open, and a result is only accepted during the round it was ordered in
 * (a task still computing after its round ended, e.g. a killed attempt, returns a result that is dropped). The
 * hub's rules (registration, one result per partition and round, a lost task's partition waits for Spark's next
 * attempt) are the network path's; security needs nothing: nothing leaves the JVM.
 */
final class LocalLink implements ChannelLink, ChannelHub.Member {
    private final ChannelHub hub;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

    LocalLink(ChannelHub hub) {
        this.hub = hub;
    }

    @Override
    public boolean register(ChannelMessages.Registration r, long timeoutMillis) {
        return ChannelMessages.type(hub.admit(this, r)) == ChannelMessages.ACCEPTED;
    }

    @Override
    public Request next(long millis) throws InterruptedException {
        return requests.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void recycle(float[] params) {
        // the driver's own array: nothing to hand back
    }

    @Override
    public void sendResult(long round, int partition, TaskResult result) {
        hub.accept(partition, round, result);
    }

    @Override
    public void close() {
        hub.closedLocal(this);
    }

    @Override
    public void order(ChannelMessages.StepHeader header, SendBuffers.Lease params, float[] paramArray, Runnable lost) {
        requests.add(new Request(header, paramArray, false, null));
    }

    @Override
    public void stop() {
        requests.add(new Request(null, null, true, null));
    }

    @Override
    public void drop() {
        requests.add(new Request(null, null, false, new IOException("the driver dropped this task's in-process link")));
    }
}
