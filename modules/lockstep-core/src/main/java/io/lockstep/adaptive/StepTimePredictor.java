package io.lockstep.adaptive;

import io.lockstep.perf.MeasuredRun;
import io.lockstep.perf.RunSummary;
import io.lockstep.perf.StepSample;
import io.lockstep.perf.StepTimeModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The step time T(B) an adaptive run's batch choice is based on: either the advisor's {@link StepTimeModel}
 * fitted to this run's own steps so far ({@link #measured}) or a given model ({@link #fixed}: its choices
 * then depend only on the gradient statistics, so a run is reproducible and P-invariant in its batch sizes).
 */
public abstract class StepTimePredictor {
    /** Predicted step time in ms of a step of {@code batch} examples; NaN while nothing is known. */
    public abstract double stepMillis(int batch);

    /** Records a step that ran at {@code batch} examples. */
    public void observe(int batch, StepSample sample) {}

    /** Predictions of {@code model} for {@code workers} executors; ignores the run's own times. */
    public static StepTimePredictor fixed(StepTimeModel model, int workers) {
        return new StepTimePredictor() {
            @Override
            public double stepMillis(int batch) {
                return model.predict(batch, workers).totalMillis();
            }
        };
    }

    /**
     * {@link StepTimeModel#fit} to the run's steps, one measured "run" per batch size seen (its last
     * {@value Measured#KEPT} steps), refitted at every prediction; NaN before the first step.
     */
    public static StepTimePredictor measured(long params, int workers) {
        return new Measured(params, workers);
    }

    private static final class Measured extends StepTimePredictor {
        static final int KEPT = 200;
        private final long params;
        private final int workers;
        private final SortedMap<Integer, Deque<StepSample>> byBatch = new TreeMap<>();
        private StepTimeModel model;

        Measured(long params, int workers) {
            this.params = params;
            this.workers = workers;
        }

        @Override
        public void observe(int batch, StepSample sample) {
            Deque<StepSample> d = byBatch.computeIfAbsent(batch, b -> new ArrayDeque<>());
            if (d.size() == KEPT) {
                d.removeFirst();
            }
            d.addLast(sample);
            model = null;
        }

        @Override
        public double stepMillis(int batch) {
            if (byBatch.isEmpty()) {
                return Double.NaN;
            }
            if (model == null) {
                model = StepTimeModel.fit(summaries());
            }
            return model.predict(batch, workers).totalMillis();
        }

        private List<RunSummary> summaries() {
            List<RunSummary> out = new ArrayList<>();
            byBatch.forEach((b, d) -> {
                List<StepSample> renumbered = new ArrayList<>(); // a rollback re-runs a step index
                for (StepSample s : d) {
                    renumbered.add(new StepSample(renumbered.size(), s.stepMillis(), s.timings(), s.bSimple()));
                }
                out.add(RunSummary.of(new MeasuredRun("B=" + b, b, workers, params, "", renumbered,
                        OptionalLong.empty())));
            });
            return out;
        }
    }
}
