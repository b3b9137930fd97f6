package io.lockstep.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One performance target of the issue and what this run measured for it. Reported, never asserted.
 *
 * @param name      what is measured, e.g. "efficiency at B=4096"
 * @param goal      the target as text, e.g. "≥ 0.90"
 * @param threshold the target's bound
 * @param minimum   true if the threshold is a minimum (measured ≥ threshold), false if a maximum
 * @param measured  this run's value
 */
record Target(String name, String goal, double threshold, boolean minimum, double measured) {

    static Target atLeast(String name, double threshold, double measured) {
        return new Target(name, "≥ " + fmt(threshold), threshold, true, measured);
    }

    static Target atMost(String name, double threshold, String unit, double measured) {
        return new Target(name, "≤ " + fmt(threshold) + unit, threshold, false, measured);
    }

    /** Whether the measured value meets the bound (false for NaN). */
    @JsonProperty("met")
    public boolean met() {
        return minimum ? measured >= threshold : measured <= threshold;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
