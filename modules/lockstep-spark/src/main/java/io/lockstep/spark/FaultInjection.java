package io.lockstep.spark;

import java.io.Serializable;
import java.util.Set;

/**
 * For tests of fault tolerance: makes the <b>first attempt</b> of the gradient task of the chosen
 * partitions fail at the chosen steps. Spark retries the task (it needs {@code spark.task.maxFailures}
 * ≥ 2; in local mode use a master like {@code local[2,4]}); since a task's result is a pure function
 * of parameters and data, the step's result is unchanged. With the step channel, the attempt that first
 * receives a chosen step fails ({@link #shouldFailInChannel}), the same number of failures.
 *
 * @param steps      steps at which to fail
 * @param partitions partitions whose first attempt fails
 */
public record FaultInjection(Set<Long> steps, Set<Integer> partitions) implements Serializable {
    public FaultInjection {
        steps = Set.copyOf(steps);
        partitions = Set.copyOf(partitions);
    }

    public static FaultInjection none() {
        return new FaultInjection(Set.of(), Set.of());
    }

    boolean shouldFail(long step, int partition, int attempt) {
        return attempt == 0 && steps.contains(step) && partitions.contains(partition);
    }

    /**
     * The same faults for the step channel, whose task attempt serves many steps: the attempt that first receives
     * step s of a chosen partition fails — attempt k at the k-th chosen step (counting from 0), since every
     * earlier chosen step ended one attempt.
     */
    boolean shouldFailInChannel(long step, int partition, int attempt) {
        return steps.contains(step) && partitions.contains(partition)
                && attempt == steps.stream().filter(s -> s < step).count();
    }
}
