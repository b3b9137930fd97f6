package io.lockstep.bench;

/**
 * One result row (one global batch size); also the JSON shape written by {@code --json}.
 *
 * @param globalBatch            B
 * @param workers                Lockstep's partitions / tasks per step, P
 * @param parallelLimit          min(P, Spark's default parallelism): the ideal speed-up over one process
 * @param lockstepMedianStepMs   median wall time of a synchronized step
 * @param lockstepExamplesPerSec (a) = B / median step seconds
 * @param dl4jMedianFitMs        median wall time of one plain DL4J {@code fit}
 * @param dl4jExamplesPerSec     (b) = B / median fit seconds
 * @param ratio                  (a) / (b)
 * @param efficiency             (a) / (parallelLimit × (b))
 * @param lockstepFinalLoss      training loss of Lockstep's last step (should match DL4J's)
 * @param dl4jFinalLoss          training loss of DL4J's last fit
 */
record BenchRow(int globalBatch, int workers, int parallelLimit, int warmupSteps, int measuredSteps,
                double lockstepMedianStepMs, double lockstepMinStepMs, double lockstepMaxStepMs,
                double lockstepExamplesPerSec,
                double dl4jMedianFitMs, double dl4jMinFitMs, double dl4jMaxFitMs, double dl4jExamplesPerSec,
                double ratio, double efficiency, double lockstepFinalLoss, double dl4jFinalLoss) {

    static BenchRow of(int batch, int workers, int parallelLimit, int warmup, Measurement lockstep,
                       Measurement dl4j) {
        double a = lockstep.examplesPerSecond(batch);
        double b = dl4j.examplesPerSecond(batch);
        return new BenchRow(batch, workers, parallelLimit, warmup, lockstep.millis().length,
                lockstep.medianMillis(), lockstep.minMillis(), lockstep.maxMillis(), a,
                dl4j.medianMillis(), dl4j.minMillis(), dl4j.maxMillis(), b,
                a / b, a / (parallelLimit * b), lockstep.finalLoss(), dl4j.finalLoss());
    }
}
