/**
 * Test support for the fuzz targets ({@code @FuzzTest}, Jazzer): the contract every parser must keep on any
 * input — a valid result, or the project's one-line error — and scratch files for targets that read files.
 * Shared with the other modules' tests through this module's test jar.
 */
package io.lockstep.fuzz;
