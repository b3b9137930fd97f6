package io.lockstep.spark;

import io.lockstep.config.ConfigException;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.StepTransportConfig.Kind;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The step transport a run uses, decided once per run from the one it asked for and the Spark context: {@code job}
 * and {@code channel} are taken as asked ({@code channel} is refused by a context that cannot run it),
 * {@code auto} becomes the channel unless the context cannot run it, then {@code job} with the reason. The only
 * place that knows what the channel needs from a context:
 * <ul>
 *   <li>{@code spark.speculation=false}: speculation would start duplicate long-running channel tasks;</li>
 *   <li>at least one task slot per partition ({@link #taskSlots}): the channel's
 *       tasks all run at once for the whole fit, where the job transport can run a step's tasks in waves. A local
 *       master refuses {@code channel} with fewer slots; on a cluster, where executors may still be registering
 *       (or be added by dynamic allocation), {@code channel} waits for them within its step timeout, and
 *       {@code auto} waits for them as long as Spark's scheduler does ({@value #WAIT_KEY}, counted from the
 *       context's start), then chooses {@code job} if the executors registered by then have fewer slots.</li>
 * </ul>
 *
 * @param requested what the run asked for
 * @param used      the transport it uses: {@code job} or {@code channel}, never {@code auto}
 * @param reason    why {@code auto} chose the job transport; null otherwise
 */
public record TransportChoice(StepTransportConfig requested, StepTransportConfig used, String reason) {
    /** Spark's setting for how long the scheduler waits for executors to register; {@code auto} waits as long. */
    static final String WAIT_KEY = "spark.scheduler.maxRegisteredResourcesWaitingTime";

    public TransportChoice {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(used, "used");
        if (used.kind() == Kind.AUTO) {
            throw new IllegalArgumentException("a used transport is job or channel, not auto");
        }
    }

    /**
     * Decides the transport of a fit over {@code partitions} partitions on {@code sc}.
     *
     * @throws ConfigException (one line naming the setting) when {@code channel} was asked for and the context cannot
     *     run it
     */
    public static TransportChoice of(JavaSparkContext sc, int partitions, StepTransportConfig requested) {
        return switch (requested.kind()) {
            case JOB -> new TransportChoice(requested, requested, null);
            case CHANNEL -> {
                String why = channelUnavailable(sc, partitions, sc.isLocal());
                if (why != null) {
                    throw new ConfigException("step transport channel: " + why
                            + "; use step transport job (or auto, which falls back to it)");
                }
                yield new TransportChoice(requested, requested, null);
            }
            case AUTO -> {
                awaitSlots(sc, partitions);
                String why = channelUnavailable(sc, partitions, true);
                yield new TransportChoice(requested, requested.as(why == null ? Kind.CHANNEL : Kind.JOB), why);
            }
        };
    }

    /**
     * Why {@code sc} cannot run the channel for {@code partitions} partitions, or null when it can; the task slots
     * are counted only when {@code countSlots}.
     */
    private static String channelUnavailable(JavaSparkContext sc, int partitions, boolean countSlots) {
        if (sc.getConf().getBoolean("spark.speculation", false)) {
            return "spark.speculation=true would start duplicate long-running channel tasks";
        }
        int slots = countSlots ? taskSlots(sc) : partitions;
        if (slots < partitions) {
            return partitions + " partitions need " + partitions + " task slots, master " + sc.master()
                    + " has " + slots + (sc.isLocal() ? "" : " (executors registered so far)");
        }
        return null;
    }

    /**
     * On a cluster, waits until {@code sc} has {@code partitions} task slots or Spark's own wait for executors,
     * {@value #WAIT_KEY} (default 30 s), has passed since the context started: executors register after the
     * context is up, and {@code auto} should not choose the job transport for a cluster that is still starting.
     */
    private static void awaitSlots(JavaSparkContext sc, int partitions) {
        if (sc.isLocal()) {
            return;
        }
        long until = sc.startTime() + sc.getConf().getTimeAsMs(WAIT_KEY, "30s");
        try {
            while (taskSlots(sc) < partitions && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The tasks {@code sc} can run at once now: the scheduler's count for the default resource profile (what Spark
     * checks a barrier stage against; the cores of the executors registered so far, divided by
     * {@code spark.task.cpus}), not {@code spark.default.parallelism}, which a user may set to anything.
     */
    static int taskSlots(JavaSparkContext sc) {
        return sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
    }

    /** What the run's console and log say, e.g. {@code channel (auto; one long-running Spark job; step timeout 600 s)}. */
    public String describe() {
        String how = used.kind() == Kind.JOB ? "one Spark job per step"
                : "one long-running Spark job; step timeout " + used.stepTimeoutSeconds() + " s";
        String auto = requested.kind() != Kind.AUTO ? "" : reason == null ? "auto; " : "auto, because " + reason + "; ";
        return used.label() + " (" + auto + how + ")";
    }
}
