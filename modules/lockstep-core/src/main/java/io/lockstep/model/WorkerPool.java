package io.lockstep.model;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A per-JVM pool of {@link GradientWorker}s keyed by model configuration, so each executor builds a
 * network once and reuses it across steps. Concurrent tasks in one executor each borrow their own
 * worker (networks are not thread-safe).
 */
public final class WorkerPool {
    private static final Map<String, Queue<GradientWorker>> POOLS = new ConcurrentHashMap<>();

    private WorkerPool() {}

    /** Runs {@code body} with a worker for {@code model}, returning the worker to the pool afterwards. */
    public static <T> T withWorker(ModelAdapter model, Function<GradientWorker, T> body) {
        Queue<GradientWorker> pool = POOLS.computeIfAbsent(model.configJson(), k -> new ConcurrentLinkedQueue<>());
        GradientWorker worker = pool.poll();
        if (worker == null) {
            worker = model.newWorker();
        }
        try {
            return body.apply(worker);
        } finally {
            pool.offer(worker);
        }
    }
}
