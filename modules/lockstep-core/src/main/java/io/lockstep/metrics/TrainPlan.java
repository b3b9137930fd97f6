package io.lockstep.metrics;

/**
 * Derived values of a run, known before the first step.
 *
 * @param trainSize     training examples N
 * @param globalBatch   B (of the first epoch when the batch grows)
 * @param workers       P
 * @param microBatch    micro-batch size for accumulation (0 = none)
 * @param stepsPerEpoch floor(N / B) (of the first epoch when the batch grows)
 * @param totalSteps    steps the run will take (at most)
 * @param numParams     model parameters
 * @param peakLr        learning rate after batch-size scaling
 * @param schedule      one-line description of the learning-rate schedule
 */
public record TrainPlan(int trainSize, int globalBatch, int workers, int microBatch, int stepsPerEpoch,
                        long totalSteps, int numParams, double peakLr, String schedule) {
    /** Mean examples per worker per step, B / P (actual shares vary with data placement). */
    public double meanWorkerBatch() {
        return (double) globalBatch / workers;
    }
}
