package io.lockstep.spark;

import java.io.IOException;

/**
 * A channel task's link to the driver's {@link ChannelHub}: over Spark's network transport ({@link ChannelWorker})
 * or, when the task runs in the driver's own JVM (local mode), in-process ({@link LocalLink}). Either way the task
 * registers, takes the driver's requests one at a time and answers each step order with {@link #sendResult}.
 */
interface ChannelLink extends AutoCloseable {
    /**
     * A request from the driver: a step order (its header and parameters), or the stop; {@code lost} set: the
     * link is gone.
     */
    record Request(ChannelMessages.StepHeader order, float[] params, boolean stop, Throwable lost) {}

    /**
     * Registers with the driver; false when the driver answers that the channel is closing (or is not this
     * task's channel), so the task should end normally.
     *
     * @throws IOException if the connection or the authentication fails
     */
    boolean register(ChannelMessages.Registration r, long timeoutMillis) throws IOException, InterruptedException;

    /** The next request, waiting at most {@code millis}; null if none came. */
    Request next(long millis) throws InterruptedException;

    /** Hands a step order's parameter array back once the gradient is computed (it may be reused). */
    void recycle(float[] params);

    /** Sends the partition's result of {@code round} (asynchronously; a failure reaches {@link #next} as lost). */
    void sendResult(long round, int partition, TaskResult result);

    @Override
    void close();
}
