package io.lockstep.spark;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Which step transport a {@link SyncTrainer} uses; the step's result does not depend on it.
 * <ul>
 *   <li>{@link Kind#JOB}: one Spark job per step (broadcast + {@code runJob}), the default;</li>
 *   <li>{@link Kind#CHANNEL}: one long-running Spark job whose task per partition keeps its shard and network
 *       and exchanges every step with the driver over Spark's own network transport (authenticated and
 *       encrypted as {@code spark.authenticate} / {@code spark.network.crypto.enabled} say). A step that does
 *       not complete within {@code stepTimeout} fails the run.</li>
 * </ul>
 *
 * @param kind        the transport
 * @param stepTimeout channel only (null for the job transport): how long one step may take, registration of
 *                    the partitions' tasks included
 */
public record StepTransportConfig(Kind kind, Duration stepTimeout) implements Serializable {
    /** The channel's step timeout unless one is given. */
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofMinutes(10);

    /** The two transports. */
    public enum Kind { JOB, CHANNEL }

    public StepTransportConfig {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.JOB && stepTimeout != null) {
            throw new IllegalArgumentException("stepTimeout applies to the channel transport only (got " + stepTimeout
                    + " for transport job)");
        }
        if (kind == Kind.CHANNEL && (stepTimeout == null || stepTimeout.isNegative() || stepTimeout.isZero())) {
            throw new IllegalArgumentException("stepTimeout must be positive (got " + stepTimeout + ")");
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

    /** The step channel; a step that takes longer than {@code stepTimeout} fails the run. */
    public static StepTransportConfig channel(Duration stepTimeout) {
        return new StepTransportConfig(Kind.CHANNEL, stepTimeout);
    }

    /**
     * The transport named {@code name} ({@code job} or {@code channel}, any case).
     *
     * @throws IllegalArgumentException naming the value, for any other name
     */
    public static StepTransportConfig parse(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "job" -> job();
            case "channel" -> channel();
            default -> throw new IllegalArgumentException("step transport must be job or channel (got '" + name + "')");
        };
    }

    /** {@code job} or {@code channel}. */
    public String label() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
