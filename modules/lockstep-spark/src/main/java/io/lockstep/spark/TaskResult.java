package io.lockstep.spark;

import io.lockstep.grad.GradientSum;
import java.io.Serializable;

/** A gradient task's output: its partial and how long the gradient computation took inside the task. */
record TaskResult(GradientSum partial, double computeMillis) implements Serializable {}
