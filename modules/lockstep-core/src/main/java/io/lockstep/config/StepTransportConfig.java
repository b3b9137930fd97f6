package io.lockstep.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * Which step transport a run uses; the step's result does not depend on it.
 * <ul>
 *   <li>{@link Kind#JOB}: one Spark job per step (broadcast + {@code runJob});</li>
 *   <li>{@link Kind#CHANNEL}: one long-running Spark job whose task per partition keeps its shard and network
 *       and exchanges every step with the driver over Spark's own network transport (authenticated and
 *       encrypted as {@code spark.authenticate} / {@code spark.network.crypto.enabled} say). A step that does
 *       not complete within the step timeout fails the run. A context that cannot run it (speculation on, fewer
 *       task slots than partitions) refuses it;</li>
 *   <li>{@link Kind#AUTO}, the default: the channel where the Spark context can run it, else the job transport
 *       (lockstep-spark's {@code TransportChoice} decides once per run, says why, and the run records the
 *       transport it used).</li>
 * </ul>
 * It lives in lockstep-core, not lockstep-spark, because it is a field of the validated run specification
 * ({@code RunSpec.transport}: spec files, sweeps, {@code run.json}, the Spark ML estimator) and holds no Spark
 * type; lockstep-spark's {@code SyncTrainer} maps it to its job or channel transport. In JSON it is
 * {@code {"kind": "job" | "channel" | "auto", "stepTimeoutSeconds": N | null}}.
 *
 * @param kind               the transport
 * @param stepTimeoutSeconds channel and auto (null for the job transport): how long one step over the channel
 *                           may take, in whole seconds, registration of the partitions' tasks included
 */
public record StepTransportConfig(Kind kind, Long stepTimeoutSeconds) implements Serializable {
    /** The channel's step timeout unless one is given. */
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofMinutes(10);

    /** The transports; in JSON and on the command line {@code job}, {@code channel} and {@code auto}. */
    public enum Kind {
        JOB, CHANNEL, AUTO;

        /** {@code job}, {@code channel} or {@code auto}. */
        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The transport named {@code name} ({@code job}, {@code channel} or {@code auto}, any case).
         *
         * @throws ConfigException naming the value, for any other name
         */
        @JsonCreator
        public static Kind of(String name) {
            return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
                case "job" -> JOB;
                case "channel" -> CHANNEL;
                case "auto" -> AUTO;
                default -> throw new ConfigException("step transport must be job, channel or auto (got '" + name + "')");
            };
        }
    }

    public StepTransportConfig {
        if (kind == null) {
            throw new ConfigException("step transport kind must be given (job, channel or auto)");
        }
        if (kind == Kind.JOB && stepTimeoutSeconds != null) {
            throw new ConfigException("stepTimeoutSeconds applies to the channel transport only (got "
                    + stepTimeoutSeconds + " for transport job)");
        }
        if (kind != Kind.JOB && (stepTimeoutSeconds == null || stepTimeoutSeconds <= 0)) {
            throw new ConfigException("stepTimeoutSeconds must be a positive number of seconds (got "
                    + stepTimeoutSeconds + ")");
        }
    }

    /** One Spark job per step. */
    public static StepTransportConfig job() {
        return new StepTransportConfig(Kind.JOB, null);
    }

    /** The default: the channel where the context can run it (with the default step timeout), else job. */
    public static StepTransportConfig auto() {
        return new StepTransportConfig(Kind.AUTO, DEFAULT_STEP_TIMEOUT.toSeconds());
    }

    /** The step channel with the {@linkplain #DEFAULT_STEP_TIMEOUT default step timeout}. */
    public static StepTransportConfig channel() {
        return channel(DEFAULT_STEP_TIMEOUT);
    }

    /** The step channel; a step that takes longer than {@code stepTimeout} (whole seconds) fails the run. */
    public static StepTransportConfig channel(Duration stepTimeout) {
        return of(Kind.CHANNEL, stepTimeout);
    }

    /**
     * {@code kind} with the step timeout {@code stepTimeout} (whole seconds; null = the default for the channel and
     * auto, none for job).
     *
     * @throws ConfigException for a timeout that is not a positive whole number of seconds, or one given for job
     */
    public static StepTransportConfig of(Kind kind, Duration stepTimeout) {
        if (stepTimeout == null) {
            return kind == Kind.JOB ? job() : new StepTransportConfig(kind, DEFAULT_STEP_TIMEOUT.toSeconds());
        }
        if (stepTimeout.toSeconds() * 1_000_000_000L != stepTimeout.toNanos()) {
            throw new ConfigException("stepTimeout must be a whole number of seconds (got " + stepTimeout + ")");
        }
        return new StepTransportConfig(kind, stepTimeout.toSeconds()); // job refuses a timeout in the constructor
    }

    /**
     * The transport named {@code name} ({@code job}, {@code channel} or {@code auto}, any case; channel and auto
     * with the default timeout).
     *
     * @throws ConfigException naming the value, for any other name
     */
    public static StepTransportConfig parse(String name) {
        return of(Kind.of(name), null);
    }

    /** This request with its kind decided ({@code job} or {@code channel}; the channel keeps this step timeout). */
    public StepTransportConfig as(Kind decided) {
        if (decided == Kind.AUTO) {
            throw new IllegalArgumentException("a decided transport is job or channel");
        }
        return decided == Kind.JOB ? job() : new StepTransportConfig(Kind.CHANNEL,
                stepTimeoutSeconds != null ? stepTimeoutSeconds : DEFAULT_STEP_TIMEOUT.toSeconds());
    }

    /** The step timeout over the channel; null for the job transport. */
    public Duration stepTimeout() {
        return stepTimeoutSeconds == null ? null : Duration.ofSeconds(stepTimeoutSeconds);
    }

    /** {@code job}, {@code channel} or {@code auto}. */
    public String label() {
        return kind.label();
    }
}
