package io.lockstep.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A run as {@link RunDirectory#readHistory} reads it: the {@link MeasuredRun} and, step by step in the same
 * order, its batch and noise fields.
 *
 * @param run              the run (its {@code globalBatch} is run.json's, the first batch of a varying one)
 * @param statistics       one per step of {@code run.steps()}, same order
 * @param referenceBatch   run.json's {@code derived.reference_batch}; 0 when absent
 * @param trainingSetSize  examples trained on (after a validation split); 0 when run.json does not say
 */
public record RunHistory(MeasuredRun run, List<StepStatistics> statistics, int referenceBatch, long trainingSetSize) {
    public RunHistory {
        if (statistics.size() != run.steps().size()) {
            throw new IllegalArgumentException(run.name() + ": " + statistics.size() + " step statistics for "
                    + run.steps().size() + " steps");
        }
        statistics = List.copyOf(statistics);
    }

    /** The global batch of the i-th step: its logged {@code global_batch}, else run.json's. */
    public int batch(int i) {
        int b = statistics.get(i).globalBatch();
        return b > 0 ? b : run.globalBatch();
    }

    /** The run's steps split by global batch: one {@link MeasuredRun} per batch size, as {@link StepTimeModel#fit} takes. */
    public List<MeasuredRun> byBatch() {
        SortedMap<Integer, List<StepSample>> steps = new TreeMap<>();
        for (int i = 0; i < statistics.size(); i++) {
            steps.computeIfAbsent(batch(i), b -> new ArrayList<>()).add(run.steps().get(i));
        }
        List<MeasuredRun> out = new ArrayList<>();
        steps.forEach((b, s) -> out.add(new MeasuredRun(run.name() + " at B=" + b, b, run.workers(), run.params(),
                run.master(), s, OptionalLong.empty(), run.transport())));
        return out;
    }
}
