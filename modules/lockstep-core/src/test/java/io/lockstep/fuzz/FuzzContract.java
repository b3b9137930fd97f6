package io.lockstep.fuzz;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The contract a fuzz target checks around one parse: it returns a result, or throws the parser's documented
 * exception type with a one-line message that names the input (a file, "run spec", ...). Anything else — another
 * exception (NPE, index out of bounds, a library's IllegalArgumentException...), an Error such as
 * OutOfMemoryError or StackOverflowError, or more than {@link #MAX_ALLOCATION} bytes allocated for an input of a
 * few kilobytes (an allocation sized by an untrusted header) — fails the target with an AssertionError.
 */
public final class FuzzContract {
    /**
     * Bytes one parse of a fuzz input may allocate. Fuzz inputs are at most a few KiB (libFuzzer's default
     * {@code -max_len} is 4096); gzip can expand them about 1000-fold, a float copy 4-fold more: a few tens of MiB
     * at most. A header that declares 2^28 values and is believed before the data is read allocates 1 GiB.
     */
    public static final long MAX_ALLOCATION = 256L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzContract() {}

    /** One parse; may throw checked exceptions (e.g. a checkpoint reader's IOException subclass). */
    @FunctionalInterface
    public interface Parse<T> {
        T run() throws Exception;
    }

    /** As {@link #check(Class, List, Parse)}, for parsers whose messages name a field rather than a file. */
    public static <T> T check(Class<? extends Exception> error, Parse<T> parse) {
        return check(error, List.of(), parse);
    }

    /**
     * Runs {@code parse}; returns its result (never null), or null when it threw a clean {@code error}.
     *
     * @param error the documented exception type (subclasses count)
     * @param names the message must contain at least one of these (the input's file names...); empty: any
     */
    public static <T> T check(Class<? extends Exception> error, List<String> names, Parse<T> parse) {
        return check(error, names, MAX_ALLOCATION, parse);
    }

    /**
     * As {@link #check(Class, List, Parse)} with another allocation limit, for work that legitimately grows with a
     * bounded count the input declares (e.g. the runs of a sweep, at most {@code SpecParser.MAX_RUNS}).
     */
    public static <T> T check(Class<? extends Exception> error, List<String> names, long maxAllocation, Parse<T> parse) {
        Outcome<T> first = once(error, names, parse);
        // Loading (and, while fuzzing, instrumenting) classes on first use allocates on this thread too: only an
        // allocation that a second, identical parse repeats is the parser's own.
        if (first.allocated() > maxAllocation && once(error, names, parse).allocated() > maxAllocation) {
            throw new AssertionError("one parse of a small input allocated " + first.allocated() + " bytes (limit "
                    + maxAllocation + "): an allocation sized by an untrusted header?");
        }
        return first.result();
    }

    private record Outcome<T>(T result, long allocated) {}

    private static <T> Outcome<T> once(Class<? extends Exception> error, List<String> names, Parse<T> parse) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        T result = null;
        try {
            result = parse.run();
            if (result == null) {
                throw new AssertionError("neither a result nor " + error.getSimpleName() + ": the parser returned null");
            }
        } catch (Exception e) {
            if (!error.isInstance(e)) {
                throw new AssertionError("expected a result or " + error.getSimpleName() + ", got " + e, e);
            }
            checkMessage(e, names);
        } catch (StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError("expected a result or " + error.getSimpleName() + ", got " + e, e);
        }
        return new Outcome<>(result, THREADS.getCurrentThreadAllocatedBytes() - before);
    }

    /** True if {@code text} would print on more than one line (any line terminator, not just {@code \n}). */
    public static boolean multiLine(String text) {
        return text.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0x0B || c == '\f' || c == 0x85
                || c == 0x2028 || c == 0x2029);
    }

    private static void checkMessage(Exception e, List<String> names) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            throw new AssertionError(e.getClass().getSimpleName() + " without a message", e);
        }
        if (multiLine(m)) {
            throw new AssertionError("message is not one line: " + m, e);
        }
        if (!names.isEmpty() && names.stream().noneMatch(m::contains)) {
            throw new AssertionError("message names none of " + names + ": " + m, e);
        }
    }
}
