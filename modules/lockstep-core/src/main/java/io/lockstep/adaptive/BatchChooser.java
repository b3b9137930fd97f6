package io.lockstep.adaptive;

import java.util.List;
import java.util.Optional;

/**
 * Chooses an adaptive run's global batch: after every {@code every}-th step, the candidate of
 * [minBatch, maxBatch] with the highest {@link Goodput} for AdaScale's current σ² and μ² and the
 * predicted step times. No choice is made (the batch stays) while AdaScale has no estimates or the
 * predictor knows no step time.
 */
public final class BatchChooser {
    private final AdaptiveBatchConfig config;
    private final int baseBatch;
    private final List<Integer> candidates;
    private final StepTimePredictor times;

    /**
     * @param workers P: candidates below it are left out
     */
    public BatchChooser(AdaptiveBatchConfig config, int baseBatch, int workers, StepTimePredictor times) {
        this.config = config;
        this.baseBatch = baseBatch;
        this.candidates = Goodput.candidates(config.minBatch(), config.maxBatch()).stream().filter(b -> b >= workers)
                .toList();
        this.times = times;
    }

    /** The predictor the trainer feeds each step's time. */
    public StepTimePredictor times() {
        return times;
    }

    /** The candidate batches. */
    public List<Integer> candidates() {
        return candidates;
    }

    /**
     * After step {@code step} (0-based) with AdaScale's {@code gain}: the choice for the next steps when one is due.
     */
    public Optional<Goodput.Choice> afterStep(long step, AdaScale.Gain gain) {
        if ((step + 1) % config.every() != 0 || !(gain.variance() > 0) || !Double.isFinite(gain.sqNorm())
                || !Double.isFinite(times.stepMillis(candidates.get(0)))) {
            return Optional.empty();
        }
        return Optional.of(Goodput.best(candidates, gain.variance(), gain.sqNorm(), baseBatch, times::stepMillis));
    }
}
