/** Plain records describing a run as it happens: plan, per-step metrics, evaluations. */
package io.lockstep.metrics;
