package io.lockstep.metrics;

/**
 * Derived values of a run, known before the first step.
 *
 * @param trainSize     training examples N
 * @param testSize      evaluation examples (0 if none)
 * @param globalBatch   B
 * @param workers       P
 * @param stepsPerEpoch floor(N / B)
 * @param totalSteps    steps the run will take
 * @param numParams     model parameters
 */
public record TrainPlan(int trainSize, int testSize, int globalBatch, int workers, int stepsPerEpoch,
                        long totalSteps, int numParams) {
    /** Mean examples per worker per step, B / P (actual shares vary with data placement). */
    public double meanWorkerBatch() {
        return (double) globalBatch / workers;
    }
}
