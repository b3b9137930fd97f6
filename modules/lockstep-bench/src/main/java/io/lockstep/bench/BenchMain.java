package io.lockstep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lockstep.app.data.MnistFetcher;
import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.spark.SparkDefaults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep bench}: examples/s of Lockstep (SyncTrainer, P workers) against single-process
 * plain DL4J on the MNIST MLP, for several global batch sizes, with the ratio and the efficiency
 * against the ideal P-fold speed-up. Prints a table; {@code --json FILE} also writes the rows.
 * Errors: one line on stderr, exit code 1.
 */
@Command(name = "lockstep bench", sortOptions = false,
        description = "Throughput of Lockstep (SyncTrainer on Spark) vs single-process DL4J on the MNIST MLP.")
public final class BenchMain implements Callable<Integer> {
    private static final double LR = 1e-3;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--batches", split = ",", paramLabel = "B",
            description = "Global batch sizes (default: 256,1024,4096).")
    List<Integer> batches = new ArrayList<>(List.of(256, 1024, 4096));

    @Option(names = "--steps", paramLabel = "N", description = "Measured steps per configuration (default: ${DEFAULT-VALUE}).")
    int steps = 30;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up steps discarded first (default: ${DEFAULT-VALUE}).")
    int warmup = 5;

    @Option(names = "--jit-warmup", paramLabel = "N",
            description = "Untimed steps of each side run once before the first configuration, so JIT and "
                    + "first-use costs do not land on the first batch size (default: ${DEFAULT-VALUE}).")
    int jitWarmup = 200;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory; MNIST is fetched into DIR/mnist if missing (default: $LOCKSTEP_DATA_DIR or ~/.lockstep/data).")
    Path dataDir;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master = "local[2]";

    @Option(names = "--workers", paramLabel = "P", description = "Lockstep workers = data partitions (default: ${DEFAULT-VALUE}).")
    int workers = 2;

    @Option(names = "--seed", paramLabel = "S", description = "Model and batch-order seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as a JSON array to FILE.")
    Path json;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (Throwable t) { // e.g. OutOfMemoryError, which picocli does not handle
            System.err.println("lockstep bench: " + oneLine(t));
            code = 1;
        }
        System.exit(code); // Spark and ND4J may leave non-daemon threads behind
    }

    /** Parses and runs; returns the exit code. */
    static int run(String... args) {
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setParameterExceptionHandler((e, a) -> {
            System.err.println("lockstep bench: " + oneLine(e) + " (see --help)");
            return 1;
        });
        cl.setExecutionExceptionHandler((e, c, p) -> {
            System.err.println("lockstep bench: " + oneLine(e));
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        validate();
        long start = System.nanoTime();
        Path dir = dataDir != null ? dataDir : MnistFetcher.defaultDataDir();
        Path mnist = new MnistFetcher(dir).ensure(out::println);
        Dataset train = IdxReader.read(mnist.resolve(MnistFetcher.TRAIN_IMAGES),
                mnist.resolve(MnistFetcher.TRAIN_LABELS), 10);
        for (int b : batches) {
            if (b > train.size()) {
                throw new IllegalArgumentException("--batches: " + b + " is larger than the training set ("
                        + train.size() + " examples)");
            }
        }
        ModelAdapter model = Models.byName("mlp", train.numFeatures(), train.numClasses(), seed);

        List<BenchRow> rows = new ArrayList<>();
        List<Breakdown> breakdowns = new ArrayList<>();
        try (JavaSparkContext sc = new JavaSparkContext(sparkConf())) {
            sc.setLogLevel("WARN");
            int limit = Math.min(workers, sc.defaultParallelism());
            BenchEnv env = new BenchEnv(Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                    sc.version(), master, workers, limit, ompNumThreads(), Nd4j.getEnvironment().maxThreads());
            printHeader(env, model, train, mnist);

            ShardedDataset shards = ShardedDataset.distribute(sc, train, workers);

            LockstepBench lockstep = new LockstepBench(sc, model, shards, LR, seed);
            Dl4jBench dl4j = new Dl4jBench(model, train, LR, seed);
            if (jitWarmup > 0) {
                int b = batches.stream().min(Integer::compare).orElseThrow();
                long t0 = System.nanoTime();
                lockstep.run(b, 0, jitWarmup);
                dl4j.run(b, 0, jitWarmup);
                out.printf(Locale.ROOT, "  JIT warm-up: %d untimed steps of each side at B=%d in %.1f s%n",
                        jitWarmup, b, (System.nanoTime() - t0) / 1e9);
            }
            for (int b : batches) {
                long t0 = System.nanoTime();
                Measurement a = lockstep.run(b, warmup, steps);
                Measurement s = dl4j.run(b, warmup, steps);
                out.printf(Locale.ROOT, "  B=%d measured in %.1f s (final loss: Lockstep %.6f, DL4J %.6f)%n",
                        b, (System.nanoTime() - t0) / 1e9, a.finalLoss(), s.finalLoss());
                rows.add(BenchRow.of(b, workers, limit, warmup, a, s));
                breakdowns.add(lockstep.lastBreakdown().withBatch(b));
            }
            shards.release();
        }
        out.println();
        out.print(ReportTable.format(rows));
        out.println();
        out.print(Breakdown.format(breakdowns));
        if (json != null) {
            writeJson(rows);
            out.println("rows written to " + json);
        }
        out.printf(Locale.ROOT, "total wall time %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private void validate() {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("--batches: give at least one batch size");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1 (got " + steps + ")");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative (got " + warmup + ")");
        }
        if (jitWarmup < 0) {
            throw new IllegalArgumentException("--jit-warmup must not be negative (got " + jitWarmup + ")");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1 (got " + workers + ")");
        }
        for (int b : batches) {
            if (b < workers) {
                throw new IllegalArgumentException("--batches: " + b + " is smaller than --workers (" + workers + ")");
            }
        }
        if (json != null) { // fail before the measurements, not after
            Path parent = json.toAbsolutePath().getParent();
            if (Files.isDirectory(json) || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
                throw new IllegalArgumentException("--json: cannot write " + json);
            }
        }
    }

    /** The conf {@code lockstep train} would use ({@link SparkDefaults}), bound to 127.0.0.1, no UI. */
    private SparkConf sparkConf() {
        return SparkDefaults.apply(new SparkConf()
                .setMaster(master)
                .setAppName("lockstep-bench")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1"));
    }

    private void printHeader(BenchEnv env, ModelAdapter model, Dataset train, Path mnist) {
        out.println("Lockstep bench: Lockstep SyncTrainer vs single-process DL4J fit");
        out.printf(Locale.ROOT, "  model      %s %d-256-256-%d (%,d params), Adam lr %s, seed %d%n", model.name(),
                model.numFeatures(), model.numClasses(), model.numParams(), LR, seed);
        out.printf(Locale.ROOT, "  data       %,d training examples from %s%n", train.size(), mnist);
        out.println(env.header());
        out.printf(Locale.ROOT, "  timing     %d untimed JIT warm-up steps once; per config %d warm-up + %d measured steps%n",
                jitWarmup, warmup, steps);
        out.println("             Lockstep: whole synchronized step on the driver; DL4J: one fit() call");
        out.println();
    }

    private void writeJson(List<BenchRow> rows) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), rows);
    }

    private static String ompNumThreads() {
        String v = System.getenv("OMP_NUM_THREADS");
        return v == null || v.isBlank() ? "unset" : v;
    }

    /** The first line of the message (or the exception type if there is none). */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
