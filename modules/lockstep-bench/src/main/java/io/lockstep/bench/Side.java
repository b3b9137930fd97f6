package io.lockstep.bench;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One contender of the benchmark. The order of the constants is the order of the report's columns. */
enum Side {
    /** Lockstep's synchronous step on Spark, P workers, replicated training data (the default placement). */
    LOCKSTEP("lockstep", "Lockstep"),
    /**
     * The same step with the training set sharded 1/P per worker (each worker's share of a batch is the
     * examples it holds, binomially uneven): the placement before fixed ghost batches.
     */
    LOCKSTEP_SHARDED("lockstep-sharded", "Lockstep sharded"),
    /** Single-process DL4J {@code fit}, one BLAS thread. */
    DL4J_1T("dl4j-1t", "DL4J 1t"),
    /** Single-process DL4J {@code fit}, two BLAS threads. */
    DL4J_2T("dl4j-2t", "DL4J 2t"),
    /**
     * Two single-thread DL4J fits on the two halves of each global batch at the same time, no
     * communication: the measured data-parallel ceiling of the machine ({@link Dl4jPairBench}).
     */
    DL4J_PAIR("dl4j-pair", "2x DL4J 1t"),
    /** DL4J Spark's ParameterAveragingTrainingMaster, averaging after every minibatch. */
    PA_F1("pa-f1", "PA f=1"),
    /** DL4J Spark's ParameterAveragingTrainingMaster, averaging every 5 minibatches. */
    PA_F5("pa-f5", "PA f=5"),
    /**
     * PyTorch DistributedDataParallel (what TorchDistributor runs on Spark): 2 processes x 1 thread, Gloo on
     * 127.0.0.1, the same MLP and B ({@link DdpBench}); skipped with one line when no Python can import torch.
     */
    PYTORCH_DDP("pytorch-ddp", "PyTorch DDP");

    private final String key;
    private final String label;

    Side(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** Command-line and JSON name, e.g. {@code dl4j-1t}. */
    @JsonValue
    String key() {
        return key;
    }

    /** Column prefix in the CSV file, e.g. {@code dl4j_1t}. */
    String column() {
        return key.replace('-', '_');
    }

    /** Short human label for the table. */
    String label() {
        return label;
    }

    /** Parameter averaging's averaging frequency; 0 for the other sides. */
    int averagingFrequency() {
        return switch (this) {
            case PA_F1 -> 1;
            case PA_F5 -> 5;
            default -> 0;
        };
    }

    /** Parses a comma-separated list of keys (or {@code all}); throws naming the bad entry. */
    static Set<Side> parse(List<String> keys) {
        Set<Side> out = EnumSet.noneOf(Side.class);
        for (String k : keys) {
            String s = k.strip().toLowerCase(Locale.ROOT);
            if (s.equals("all")) {
                return EnumSet.allOf(Side.class);
            }
            out.add(byKey(s));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--sides: give at least one of " + keys());
        }
        return out;
    }

    private static Side byKey(String key) {
        for (Side s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--sides: unknown side '" + key + "' (use " + keys() + " or all)");
    }

    private static List<String> keys() {
        List<String> k = new ArrayList<>();
        for (Side s : values()) {
            k.add(s.key);
        }
        return k;
    }
}
