package io.lockstep.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * What {@link Interrupts} does on each signal (the handler's logic, without sending signals; the real
 * signals are sent to a real process in {@code InterruptCliTest}): the first requests a stop and prints
 * one line, a second halts with the first signal's exit code.
 */
class InterruptsTest {
    private final StringWriter err = new StringWriter();
    private final List<Integer> halts = new ArrayList<>();
    private final Interrupts interrupts = new Interrupts(new PrintWriter(err, true), halts::add);

    @Test
    void firstSignalRequestsAStopAndPrintsOneLine() {
        assertEquals(OptionalInt.empty(), interrupts.exitCode());
        interrupts.received("INT");
        assertTrue(interrupts.stopRequest().isRequested());
        assertEquals(OptionalInt.of(Interrupts.EXIT_SIGINT), interrupts.exitCode());
        assertEquals(List.of("lockstep: stopping after the current step (press Ctrl-C again to abort)"),
                err.toString().lines().toList());
        assertTrue(halts.isEmpty(), "no halt on the first signal");
    }

    @Test
    void secondSignalHaltsWithTheFirstSignalsCode() {
        interrupts.received("TERM");
        assertFalse(err.toString().contains("Ctrl-C"), err.toString());
        interrupts.received("INT");
        assertEquals(List.of(Interrupts.EXIT_SIGTERM), halts);
        assertEquals(2, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().lines().toList().get(1).startsWith("lockstep: aborted"), err.toString());
    }
}
