package io.lockstep.bench;

import io.lockstep.config.StepTransportConfig;
import io.lockstep.spark.TransportChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The validated settings of one bench run (everything from the command line but the data location).
 * The constructor rejects bad values with one message naming the option.
 *
 * @param batches      global batch sizes B, each ≥ workers
 * @param sides        which contenders to run
 * @param steps        measured steps per configuration (Lockstep and DL4J)
 * @param warmup       discarded steps before them
 * @param jitWarmup    untimed steps of each side once, at the smallest B, before everything
 * @param paFits       measured PA {@code fit} calls per configuration
 * @param paWarmup     discarded PA {@code fit} calls before them
 * @param paMaxBatches upper bound on the global batches one PA {@code fit} covers
 * @param master       Spark master URL
 * @param workers      P: Lockstep partitions and PA workers
 * @param seed         model and batch-order seed
 * @param out          file to write the report to (.json or .csv), or null
 * @param python       interpreter for the PyTorch DDP side, or null to try {@link DdpBench#DEFAULT_PYTHONS}
 * @param record       new (or empty) directory for the run's raw outputs ({@link RunRecord}), or null
 */
record BenchSettings(List<Integer> batches, Set<Side> sides, int steps, int warmup, int jitWarmup, int paFits,
                     int paWarmup, int paMaxBatches, String master, int workers, long seed, Path out, String python,
                     Path record, String stepTransport) {

    /** Settings without {@code --python} and {@code --record}. */
    BenchSettings(List<Integer> batches, Set<Side> sides, int steps, int warmup, int jitWarmup, int paFits,
                  int paWarmup, int paMaxBatches, String master, int workers, long seed, Path out) {
        this(batches, sides, steps, warmup, jitWarmup, paFits, paWarmup, paMaxBatches, master, workers, seed, out,
                null, null, "auto");
    }

    BenchSettings {
        batches = List.copyOf(batches);
        if (sides.isEmpty()) {
            throw new IllegalArgumentException("--sides: give at least one side");
        }
        sides = Collections.unmodifiableSet(EnumSet.copyOf(sides));
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("--batches: give at least one batch size");
        }
        atLeast("--steps", steps, 1);
        atLeast("--warmup", warmup, 0);
        atLeast("--jit-warmup", jitWarmup, 0);
        atLeast("--pa-fits", paFits, 1);
        atLeast("--pa-warmup", paWarmup, 0);
        atLeast("--pa-max-batches", paMaxBatches, 1);
        atLeast("--workers", workers, 1);
        for (int b : batches) {
            if (b < workers) {
                throw new IllegalArgumentException("--batches: " + b + " is smaller than --workers (" + workers + ")");
            }
            if (runsPa(sides) && b % workers != 0) {
                throw new IllegalArgumentException("--batches: " + b + " is not a multiple of --workers (" + workers
                        + "), which the parameter-averaging sides need (batchSizePerWorker = B/P)");
            }
        }
        if (out != null) { // fail before the measurements, not after
            if (!ResultFiles.supported(out)) {
                throw new IllegalArgumentException("--out: " + out + " must end in .json or .csv");
            }
            checkWritable(out);
        }
        if (python != null && python.isBlank()) {
            throw new IllegalArgumentException("--python: give an interpreter command, e.g. /usr/bin/python3");
        }
        if (record != null) {
            RunRecord.checkNew(record);
        }
        lockstepTransport(stepTransport);
    }

    /** The Lockstep sides' step transport ({@code --step-transport auto|channel|job}). */
    StepTransportConfig transport() {
        return lockstepTransport(stepTransport);
    }

    /** These settings with {@code auto} decided for {@code sc} and P = {@link #workers()} ({@link TransportChoice}). */
    BenchSettings decided(JavaSparkContext sc) {
        String used = TransportChoice.of(sc, workers, transport()).used().label();
        return new BenchSettings(batches, sides, steps, warmup, jitWarmup, paFits, paWarmup, paMaxBatches, master,
                workers, seed, out, python, record, used);
    }

    private static StepTransportConfig lockstepTransport(String name) {
        try {
            return StepTransportConfig.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--step-transport: " + e.getMessage());
        }
    }

    /** The interpreters the PyTorch DDP side tries, in order. */
    List<String> pythons() {
        return python == null ? DdpBench.DEFAULT_PYTHONS : List.of(python);
    }

    /** Fails naming --out when {@code out} is a directory or its folder is missing or not writable. */
    static void checkWritable(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (Files.isDirectory(out) || parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IllegalArgumentException("--out: cannot write " + out);
        }
    }

    private static boolean runsPa(Set<Side> sides) {
        return sides.contains(Side.PA_F1) || sides.contains(Side.PA_F5);
    }

    static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + " (got " + value + ")");
        }
    }

    boolean runs(Side side) {
        return sides.contains(side);
    }
}
