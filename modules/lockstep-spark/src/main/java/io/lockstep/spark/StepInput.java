package io.lockstep.spark;

import java.io.Serializable;

/** What one step broadcasts: the flat parameters and, per partition, the local rows of its share of the batch. */
record StepInput(float[] params, int[][] rows) implements Serializable {}
