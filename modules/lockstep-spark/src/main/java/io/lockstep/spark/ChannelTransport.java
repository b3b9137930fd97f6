package io.lockstep.spark;

import io.lockstep.data.StepShare;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.server.TransportServer;

/**
 * The step channel: a server on the driver (Spark's {@code TransportServer}, secured by {@link ChannelSecurity})
 * and one long-running Spark job (not a barrier stage) whose {@link ChannelTask} per partition keeps its shard and
 * network, registers with the server and answers each step's order with its partial. Per step the driver sends P
 * orders (one encoding of the parameters, sent to each task, + its share) and waits for P results — no Spark
 * scheduling. The results it returns are valid until the next exchange (their arrays are reused). The job is
 * started at the first step, ended (tasks told to stop, which frees their slots) by {@link #pause()} before
 * evaluations and restarted at the next step; {@link #close()} ends it and closes the server, also after failures.
 */
final class ChannelTransport implements StepTransport {
    /** How long ending the job may take before it is cancelled. */
    private static final long STOP_WAIT_MILLIS = 30_000;
    /** Added to the step timeout for Spark's idle-connection timeout, so the step timeout fires first. */
    private static final long IDLE_MARGIN_MILLIS = 60_000;
    /**
     * Spark setting: whether channel tasks running in the driver's JVM (local mode) exchange steps with the hub
     * in-process instead of over a loopback connection (default true; false tests and measures the network path).
     */
    static final String IN_PROCESS = "spark.lockstep.channel.inProcess";

    private final JavaSparkContext sc;
    private final JavaRDD<Shard> shards;
    private final int partitions;
    private final PartitionCompute gradient;
    private final FaultInjection faults;
    private final long timeoutMillis;
    private final ChannelHub hub;
    private final TransportContext context;
    private final TransportServer server;
    private final String host;
    private final String id = UUID.randomUUID().toString();
    /** The parameters' send buffers: one per round, reused once its sends end. */
    private final SendBuffers sendBuffers = new SendBuffers();
    private int generation;
    private JavaFutureAction<Void> job;
    private long currentStep = -1;
    /** Set when a step failed: the job is then cancelled at once instead of being asked to end. */
    private boolean failed;
    /** Whether tasks in this JVM (local mode) link to the hub in-process ({@value #IN_PROCESS}). */
    private final boolean inProcess;

    private ChannelTransport(JavaSparkContext sc, JavaRDD<Shard> shards, int partitions, PartitionCompute gradient,
                             FaultInjection faults, long timeoutMillis, ChannelSecurity security, String host,
                             String bindAddress, boolean inProcess) {
        this.inProcess = inProcess;
        this.sc = sc;
        this.shards = shards;
        this.partitions = partitions;
        this.gradient = gradient;
        this.faults = faults;
        this.timeoutMillis = timeoutMillis;
        this.hub = new ChannelHub(partitions);
        this.context = new TransportContext(security.conf(), hub);
        this.host = host;
        this.server = StepChannelPort.listen(context, bindAddress, sc.getConf(), security.serverBootstraps());
        if (inProcess) {
            LocalChannels.open(id, hub);
        }
    }

    /**
     * Opens the channel's server for {@code partitions} partitions of {@code shards} (the job starts at the first
     * step). The caller has checked that the context can run it ({@link TransportChoice}).
     */
    static ChannelTransport open(JavaSparkContext sc, JavaRDD<Shard> shards, int partitions, PartitionCompute gradient,
                                 FaultInjection faults, Duration stepTimeout) {
        SparkConf conf = sc.getConf();
        long timeout = stepTimeout.toMillis();
        String host = conf.get("spark.driver.host");
        return new ChannelTransport(sc, shards, partitions, gradient, faults, timeout,
                ChannelSecurity.of(conf, timeout + IDLE_MARGIN_MILLIS, 2), host, conf.get("spark.driver.bindAddress", host),
                conf.getBoolean(IN_PROCESS, true));
    }

    /** Where executors connect (for tests). */
    int port() {
        return server.getPort();
    }

    /** Registrations accepted and connections lost so far (for tests). */
    int[] counts() {
        return hub.counts();
    }

    @Override
    public StepExchange exchange(long step, float[] params, StepShare[] shares, String label) {
        long t0 = System.nanoTime();
        SendBuffers.Lease body = sendBuffers.take(params.length);
        ChannelMessages.putFloats(params, body.buffer());
        currentStep = step;
        hub.start(step, shares, body, params);
        long t1 = System.nanoTime();
        ensureRunning(label);
        TaskResult[] results;
        try {
            results = hub.await(t1 + timeoutMillis * 1_000_000, this::jobEnded,
                    String.format(java.util.Locale.ROOT, "%.1f s", timeoutMillis / 1000.0));
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        return new StepExchange(results, (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
    }

    /** Starts the channel's job unless it runs. */
    private void ensureRunning(String label) {
        if (job != null) {
            return;
        }
        String jobId = id + "/" + ++generation;
        hub.expect(jobId);
        sc.setJobDescription("lockstep step channel from step " + currentStep + " (" + label + ")");
        job = shards.foreachPartitionAsync(new ChannelTask(gradient, faults, host, server.getPort(), jobId,
                timeoutMillis + IDLE_MARGIN_MILLIS, inProcess ? id : null));
    }

    /** Null while the job runs, else one line saying how it ended. */
    private String jobEnded() {
        if (job == null || !job.isDone()) {
            return null;
        }
        try {
            job.get();
            return "the step channel's Spark job ended during step " + currentStep;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
            return "the step channel's Spark job failed during step " + currentStep + ": " + why;
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            return "the step channel's Spark job was cancelled during step " + currentStep;
        }
    }

    @Override
    public void pause() {
        if (job == null) {
            return;
        }
        JavaFutureAction<Void> ending = job;
        job = null;
        for (ChannelHub.Member m : hub.closing()) {
            m.stop(); // one-way: the task ends and closes at once
        }
        try {
            ending.get(failed ? 0 : STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
            ending.cancel(true);
        } catch (InterruptedException e) {
            ending.cancel(true);
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            pause();
        } finally {
            LocalChannels.close(id);
            hub.endRound();
            server.close();
            context.close();
        }
    }
}
