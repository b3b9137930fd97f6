package io.lockstep.schedule;

/**
 * The same learning rate at every step.
 *
 * @param value the learning rate, finite and &ge; 0
 */
public record ConstantSchedule(double value) implements LrSchedule {

    public ConstantSchedule {
        Checks.lr("value", value);
    }

    @Override
    public double lr(long step) {
        Checks.step(step);
        return value;
    }

    @Override
    public String describe() {
        return "constant(lr=" + value + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
