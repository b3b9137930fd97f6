package io.lockstep.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * Which step transport a run uses; the step's result does not depend on it.
 * <ul>
 *   <li>{@link Kind#JOB}: one Spark job per step (broadcast + {@code runJob}), the default;</li>
 *   <li>{@link Kind#CHANNEL}: one long-running Spark job whose task per partition keeps its shard and network
 *       and exchanges every step with the driver over Spark's own network transport (authenticated and
 *       encrypted as {@code spark.authenticate} / {@code spark.network.crypto.enabled} say). A step that does
 *       not complete within the step timeout fails the run.</li>
 * </ul>
 * It lives in lockstep-core, not lockstep-spark, because it is a field of the validated run specification
 * ({@code RunSpec.transport}: spec files, sweeps, {@code run.json}, the Spark ML estimator) and holds no Spark
 * type; lockstep-spark's {@code SyncTrainer} maps it to its job or channel transport. In JSON it is
 * {@code {"kind": "job" | "channel", "stepTimeoutSeconds": N | null}}.
 *
 * @param kind               the transport
 * @param stepTimeoutSeconds channel only (null for the job transport): how long one step may take, in whole
 *                           seconds, registration of the partitions' tasks included
 */
public record StepTransportConfig(Kind kind, Long stepTimeoutSeconds) implements Serializable {
    /** The channel's step timeout unless one is given. */
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofMinutes(10);

    /** The two transports; in JSON and on the command line {@code job} and {@code channel}. */
    public enum Kind {
        JOB, CHANNEL;

        /** {@code job} or {@code channel}. */
        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The transport named {@code name} ({@code job} or {@code channel}, any case).
         *
         * @throws ConfigException naming the value, for any other name
         */
        @JsonCreator
        public static Kind of(String name) {
            return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
                case "job" -> JOB;
                case "channel" -> CHANNEL;
                default -> throw new ConfigException("step transport must be job or channel (got '" + name + "')");
            };
        }
    }

    public StepTransportConfig {
        if (kind == null) {
            throw new ConfigException("step transport kind must be given (job or channel)");
        }
        if (kind == Kind.JOB && stepTimeoutSeconds != null) {
            throw new ConfigException("stepTimeoutSeconds applies to the channel transport only (got "
                    + stepTimeoutSeconds + " for transport job)");
        }
        if (kind == Kind.CHANNEL && (stepTimeoutSeconds == null || stepTimeoutSeconds <= 0)) {
            throw new ConfigException("stepTimeoutSeconds must be a positive number of seconds (got "
                    + stepTimeoutSeconds + ")");
        }
    }

    /** One Spark job per step. */
    public static StepTransportConfig job() {
        return new StepTransportConfig(Kind.JOB, null);
    }

    /** The step channel with the {@linkplain #DEFAULT_STEP_TIMEOUT default step timeout}. */
    public static StepTransportConfig channel() {
        return channel(DEFAULT_STEP_TIMEOUT);
    }

    /** The step channel; a step that takes longer than {@code stepTimeout} (whole seconds) fails the run. */
    public static StepTransportConfig channel(Duration stepTimeout) {
        if (stepTimeout == null || stepTimeout.toSeconds() * 1_000_000_000L != stepTimeout.toNanos()) {
            throw new ConfigException("stepTimeout must be a whole number of seconds (got " + stepTimeout + ")");
        }
        return new StepTransportConfig(Kind.CHANNEL, stepTimeout.toSeconds());
    }

    /**
     * The transport named {@code name} ({@code job} or {@code channel}, any case; the channel with the default
     * timeout).
     *
     * @throws ConfigException naming the value, for any other name
     */
    public static StepTransportConfig parse(String name) {
        return Kind.of(name) == Kind.JOB ? job() : channel();
    }

    /** The channel's step timeout; null for the job transport. */
    public Duration stepTimeout() {
        return stepTimeoutSeconds == null ? null : Duration.ofSeconds(stepTimeoutSeconds);
    }

    /** {@code job} or {@code channel}. */
    public String label() {
        return kind.label();
    }
}
