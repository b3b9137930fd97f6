package io.lockstep.perf;

import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.OptionalLong;

/**
 * A training run as the advisor sees it: its shape (B, P, model size), its steps in order and, when the
 * run stopped at a target accuracy, the number of steps that took.
 *
 * @param name          how the run is named in messages and tables (usually its directory)
 * @param globalBatch   B, examples per step
 * @param workers       P, gradient tasks per step
 * @param params        number of model parameters
 * @param master        the Spark master the run used (informational)
 * @param steps         the steps in increasing step order, one per step index
 * @param stepsToTarget updates applied when the target was reached, empty when unknown
 * @param transport     the step transport the run used, {@value #JOB} or {@value #CHANNEL} (run.json's
 *                      {@code step_transport}); its fixed and per-executor costs differ, so runs of different
 *                      transports are not fitted together
 */
public record MeasuredRun(String name, int globalBatch, int workers, long params, String master,
                          List<StepSample> steps, OptionalLong stepsToTarget, String transport) {
    /** One Spark job per step: the transport of runs that recorded none (they predate the step channel). */
    public static final String JOB = "job";
    /** The step channel. */
    public static final String CHANNEL = "channel";
    /** Fraction of the last steps (up to the target) whose B_simple is averaged. */
    static final double B_SIMPLE_TAIL = 0.2;

    public MeasuredRun {
        if (globalBatch < 1 || workers < 1 || globalBatch < workers) {
            throw new IllegalArgumentException(name + ": need global batch B >= workers P >= 1, got B=" + globalBatch
                    + ", P=" + workers);
        }
        if (params < 1) {
            throw new IllegalArgumentException(name + ": the model must have parameters, got " + params);
        }
        if (steps == null || steps.isEmpty()) {
            throw new IllegalArgumentException(name + ": the run has no steps");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).step() <= steps.get(i - 1).step()) {
                throw new IllegalArgumentException(name + ": steps must be in increasing order (step "
                        + steps.get(i).step() + " after " + steps.get(i - 1).step() + ")");
            }
        }
        if (stepsToTarget.isPresent() && stepsToTarget.getAsLong() < 1) {
            throw new IllegalArgumentException(name + ": steps to target must be >= 1, got " + stepsToTarget.getAsLong());
        }
        if (!JOB.equals(transport) && !CHANNEL.equals(transport)) {
            throw new IllegalArgumentException(name + ": step_transport must be " + JOB + " or " + CHANNEL + ", got "
                    + transport);
        }
        steps = List.copyOf(steps);
    }

    /** A run over the {@value #JOB} transport. */
    public MeasuredRun(String name, int globalBatch, int workers, long params, String master, List<StepSample> steps,
                       OptionalLong stepsToTarget) {
        this(name, globalBatch, workers, params, master, steps, stepsToTarget, JOB);
    }

    /** The same run with its steps to target set (e.g. from the command line). */
    public MeasuredRun withStepsToTarget(long steps) {
        return new MeasuredRun(name, globalBatch, workers, params, master, this.steps, OptionalLong.of(steps), transport);
    }

    /** Examples the slowest task computes per step: ⌈B/P⌉. */
    public int examplesPerTask() {
        return ceilDiv(globalBatch, workers);
    }

    /**
     * B_simple near the target: the mean of the defined B_simple values over the last 20% of the steps up to
     * the target (all steps when there is no target); NaN when the run has none (e.g. P = 1 without
     * micro-batches).
     */
    public double bSimple() {
        return bSimpleTail().mean();
    }

    /** The B_simple values {@link #bSimple()} averages, summarised (count 0 and NaN statistics when there are none). */
    public NoiseTail bSimpleTail() {
        long end = stepsToTarget.orElse(Long.MAX_VALUE);
        List<StepSample> upTo = steps.stream().filter(s -> s.step() < end).toList();
        int from = (int) Math.floor(upTo.size() * (1 - B_SIMPLE_TAIL));
        List<StepSample> tail = upTo.subList(Math.min(from, Math.max(0, upTo.size() - 1)), upTo.size());
        DoubleSummaryStatistics b = tail.stream().mapToDouble(StepSample::bSimple).filter(Double::isFinite)
                .summaryStatistics();
        boolean none = b.getCount() == 0;
        return new NoiseTail(none ? Double.NaN : b.getAverage(), none ? Double.NaN : b.getMin(),
                none ? Double.NaN : b.getMax(), (int) b.getCount(), tail.isEmpty() ? -1 : tail.get(0).step(),
                tail.isEmpty() ? -1 : tail.get(tail.size() - 1).step());
    }

    /**
     * The last steps' B_simple values, summarised.
     *
     * @param mean      their mean (NaN when there are none)
     * @param min       the smallest
     * @param max       the largest
     * @param count     how many steps had a defined B_simple
     * @param firstStep the first step of the window
     * @param lastStep  the last step of the window
     */
    public record NoiseTail(double mean, double min, double max, int count, long firstStep, long lastStep) {}

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
