/**
 * Driver-side optimizers for synchronous data-parallel training (no Spark here).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Executors return gradient sums; the driver divides once by the global batch B and calls
 *       {@link io.lockstep.optim.ParameterUpdate#apply} with that mean, exactly once per step.</li>
 *   <li>Regularization is applied once, on the driver, inside
 *       {@link io.lockstep.optim.ParameterUpdate}; never in executors. L2 is added to the weights'
 *       gradient before the update rule for every type; weight decay is DL4J's post-updater decay for
 *       SGD/Nesterov/Adam and the optimizer's own coefficient, applied inside the rule, for LARS/LAMB
 *       (never both).</li>
 *   <li>SGD, Nesterov and Adam are numerically those of DL4J 1.0.0-M2.1 ({@code Sgd},
 *       {@code Nesterovs}, {@code Adam}, float32 arithmetic); the learning rate is passed per step,
 *       the iteration is 0-based, and {@code params -= update}.</li>
 *   <li>The large-batch rules DL4J lacks are layer-wise over the
 *       {@link io.lockstep.model.ParamLayout}'s blocks: {@link io.lockstep.optim.LarsOptimizer} (You,
 *       Gitman, Ginsburg 2017, arXiv 1708.03888) and {@link io.lockstep.optim.LambOptimizer} (You et al.
 *       2019, arXiv 1904.00962), bias blocks excluded from the trust ratio and the decay by default.</li>
 *   <li>Momentum correction (Goyal et al. 2017, arXiv 1706.02677, section 2.1): when the learning rate
 *       changes, the lr-carrying velocity of Nesterov and LARS is scaled by lr_t / lr_{t-1}
 *       ({@link io.lockstep.optim.OptimizerConfig#momentumCorrection()}, on by default; with a constant
 *       rate nothing changes).</li>
 *   <li>Optimizer state is plain {@code float[][]}, copied in and out;
 *       {@link io.lockstep.optim.ParameterUpdate#snapshot()} / {@code restore} also carry the previous
 *       learning rate, so checkpoints and rollbacks reproduce subsequent steps bit for bit.</li>
 * </ul>
 */
package io.lockstep.optim;
