/**
 * Driver-side optimizers for synchronous data-parallel training (no Spark here).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Executors return gradient sums; the driver divides once by the global batch B and calls
 *       {@link io.lockstep.optim.ParameterUpdate#apply} with that mean, exactly once per step.</li>
 *   <li>Regularization (L2 before the update rule, weight decay after it, weights only) is applied
 *       once, on the driver, inside {@link io.lockstep.optim.ParameterUpdate}; never in executors.</li>
 *   <li>Update rules are numerically those of DL4J 1.0.0-M2.1 ({@code Sgd}, {@code Nesterovs},
 *       {@code Adam}, float32 arithmetic); the learning rate is passed per step, the iteration is
 *       0-based, and {@code params -= update}.</li>
 *   <li>Optimizer state is plain {@code float[][]}, copied in and out, so checkpoints and rollbacks
 *       reproduce subsequent steps bit for bit.</li>
 * </ul>
 */
package io.lockstep.optim;
