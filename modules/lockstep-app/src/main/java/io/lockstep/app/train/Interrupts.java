package io.lockstep.app.train;

import io.lockstep.spark.StopRequest;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM during {@code lockstep train}: the first one makes a {@link StopRequest}, so the run
 * stops after its current step and saves its model, a checkpoint and run.json; a second one ends the JVM
 * at once ({@link Runtime#halt}, so Spark's shutdown hook cannot fail the step in flight with a stack
 * trace). Replacing the JVM's handlers also keeps the first signal from starting the JVM's shutdown,
 * which would stop the SparkContext under the running step. {@link #close()} restores the previous
 * handlers. Where a signal cannot be handled (e.g. a JVM started with {@code -Xrs}) it keeps its default.
 */
final class Interrupts implements AutoCloseable {
    /** Exit code of a run stopped by SIGINT (128 + 2, the shell convention). */
    static final int EXIT_SIGINT = 130;
    /** Exit code of a run stopped by SIGTERM (128 + 15). */
    static final int EXIT_SIGTERM = 143;

    private final StopRequest stop = new StopRequest();
    private final PrintWriter err;
    private final IntConsumer halt;
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile String first;

    Interrupts(PrintWriter err, IntConsumer halt) {
        this.err = err;
        this.halt = halt;
    }

    /** Handles SIGINT and SIGTERM until closed; a second signal halts the JVM. */
    static Interrupts install(PrintWriter err) {
        Interrupts i = new Interrupts(err, code -> Runtime.getRuntime().halt(code));
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal s = new Signal(name);
                i.previous.put(s, Signal.handle(s, sig -> i.received(sig.getName())));
            } catch (IllegalArgumentException e) {
                // not available to handlers in this JVM: the signal keeps its default action
            }
        }
        return i;
    }

    /** The request the run checks between steps. */
    StopRequest stopRequest() {
        return stop;
    }

    /** The exit code of the signal that requested the stop, if one did. */
    OptionalInt exitCode() {
        String s = first;
        return s == null ? OptionalInt.empty() : OptionalInt.of(code(s));
    }

    /** What happens on signal {@code name} ("INT", "TERM"): a stop request first, a halt after that. */
    synchronized void received(String name) {
        if (first == null) {
            first = name;
            stop.request();
            err.println("lockstep: stopping after the current step ("
                    + (name.equals("INT") ? "press Ctrl-C again" : "send the signal again") + " to abort)");
        } else {
            err.println("lockstep: aborted (SIG" + name + " again); the last checkpoint and metrics.jsonl are kept");
            err.flush();
            halt.accept(code(first));
        }
    }

    private static int code(String signal) {
        return signal.equals("INT") ? EXIT_SIGINT : EXIT_SIGTERM;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
