/**
 * Adaptive large-batch training from the gradient statistics a synchronous step already has: AdaScale's
 * gain ratio and scale-invariant iteration count (Johnson et al., ICML 2020).
 */
package io.lockstep.adaptive;
