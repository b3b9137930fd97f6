package io.lockstep.metrics;

/**
 * An adaptive run's choice of global batch, made after step {@code step} for the steps from {@code step + 1}.
 *
 * @param step              the step after which the choice was made
 * @param previousBatch     B of that step
 * @param batch             B chosen for the following steps (may equal {@code previousBatch})
 * @param goodput           predicted goodput of {@code batch}, base-batch examples per second
 * @param efficiency        its statistical efficiency E(B) ∈ (0, 1]
 * @param predictedStepMillis its predicted step time T(B)
 */
public record BatchChoice(long step, int previousBatch, int batch, double goodput, double efficiency,
                          double predictedStepMillis) {}
