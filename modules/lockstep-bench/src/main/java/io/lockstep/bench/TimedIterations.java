package io.lockstep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Runs {@code warmup + count} iterations and times the last {@code count}: each iteration is first
 * prepared untimed ({@code prepare.apply(i)} returns the work), then only the work is timed, and the
 * CPU use over the timed parts is recorded ({@link CpuUse}).
 */
final class TimedIterations {
    private TimedIterations() {}

    /** The wall times of the timed iterations, in ms, and the CPU they used. */
    record Result(List<Double> millis, CpuUse cpu) {}

    static Result run(int warmup, int count, IntFunction<Runnable> prepare) {
        List<Double> millis = new ArrayList<>();
        CpuUse cpu = null;
        for (int i = 0; i < warmup + count; i++) {
            Runnable work = prepare.apply(i);
            if (i == warmup) {
                cpu = CpuUse.started();
            } else if (cpu != null) {
                cpu.start();
            }
            long start = System.nanoTime();
            work.run();
            long elapsed = System.nanoTime() - start;
            if (cpu != null) {
                cpu.stop();
                millis.add(elapsed / 1e6);
            }
        }
        if (cpu == null) {
            throw new IllegalArgumentException("count must be at least 1 (got " + count + ")");
        }
        return new Result(millis, cpu.end());
    }
}
