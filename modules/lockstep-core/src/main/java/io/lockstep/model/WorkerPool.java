package io.lockstep.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A per-JVM pool of {@link GradientWorker}s keyed by model configuration, so each executor builds a
 * network once and reuses it across steps. Concurrent tasks in one executor each borrow their own
 * worker (networks are not thread-safe). Only the {@value #MAX_MODELS} most recently used model
 * configurations keep their networks (least recently used first out), so a sweep over many models does
 * not grow executor memory.
 */
public final class WorkerPool {
    static final int MAX_MODELS = 2;

    private static final Map<String, Queue<GradientWorker>> POOLS = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Queue<GradientWorker>> eldest) {
            return size() > MAX_MODELS;
        }
    };

    private WorkerPool() {}

    /** Runs {@code body} with a worker for {@code model}, returning the worker to the pool afterwards. */
    public static <T> T withWorker(ModelAdapter model, Function<GradientWorker, T> body) {
        String key = model.configJson();
        GradientWorker worker = pool(key).poll();
        if (worker == null) {
            worker = model.newWorker();
        }
        try {
            return body.apply(worker);
        } finally {
            pool(key).offer(worker);
        }
    }

    /** Number of model configurations that currently keep networks (for tests). */
    static synchronized int models() {
        return POOLS.size();
    }

    private static synchronized Queue<GradientWorker> pool(String key) {
        return POOLS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
    }
}
