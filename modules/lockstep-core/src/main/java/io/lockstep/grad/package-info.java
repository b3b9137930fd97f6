/**
 * Gradient partials and their aggregation. Invariant: workers return <b>sums</b> and counts; the
 * driver adds them in a fixed (partition) order and divides <b>once</b> by the global batch B.
 * Averaging per-worker means would be wrong for uneven splits; summing without dividing would
 * silently multiply the learning rate by the number of workers.
 */
package io.lockstep.grad;
