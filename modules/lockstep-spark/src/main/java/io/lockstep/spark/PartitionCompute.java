package io.lockstep.spark;

import io.lockstep.data.StepShare;
import java.io.Serializable;

/**
 * What a step channel task runs on each order: the partial of its partition for (parameters, share, step). In
 * training it is {@link PartitionGradient}; {@link ChannelFloor} answers without training, to measure what the
 * channel itself costs.
 */
interface PartitionCompute extends Serializable {

    /** The partial of {@code shard} for {@code share} at {@code step}, and how long computing it took. */
    TaskResult compute(Shard shard, float[] params, StepShare share, long step);
}
