package io.lockstep.spark;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request, made from any thread, that a run stop after its current step: a signal handler, a UI, a
 * caller's deadline. {@link SyncTrainer} checks it between steps (never inside one); a stopped run
 * saves a checkpoint when it checkpoints and ends with {@link TrainResult.Outcome#INTERRUPTED}, so it
 * can be resumed exactly. Once made, a request stays made. Thread-safe.
 */
public final class StopRequest {
    private final AtomicBoolean requested = new AtomicBoolean();

    /** Asks the run to stop after its current step; true the first time, false if already requested. */
    public boolean request() {
        return requested.compareAndSet(false, true);
    }

    /** True once {@link #request()} was called. */
    public boolean isRequested() {
        return requested.get();
    }
}
