package io.lockstep.bench;

import io.lockstep.app.data.MnistFetcher;
import io.lockstep.bench.jmh.JmhMain;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.data.Dataset;
import io.lockstep.model.BlasThreads;
import io.lockstep.data.IdxReader;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.spark.SparkDefaults;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep bench}: examples/s of Lockstep (SyncTrainer, P workers), single-process plain DL4J
 * with one and two BLAS threads, and DL4J Spark's ParameterAveragingTrainingMaster (averaging
 * frequency 1 and 5) on the MNIST MLP, for several global batch sizes, side by side in one run, with
 * the ratios, Lockstep's per-step time breakdown and the targets. {@code --out FILE.json|.csv}
 * also writes the results. {@code lockstep bench jmh [JMH options]} runs the micro-benchmarks instead
 * ({@link JmhMain}); {@code baseline} and {@code transform} run {@link BaselineCommand} and
 * {@link TransformCommand}. Errors: one line on stderr; exit code 2 for a bad command line, 1 otherwise.
 */
@Command(name = "lockstep bench", sortOptions = false,
        description = {"Throughput of Lockstep vs single-process DL4J (1 and 2 BLAS threads) and DL4J Spark's "
                + "ParameterAveragingTrainingMaster on the MNIST MLP.",
                "'lockstep bench jmh [JMH options]' runs the JMH micro-benchmarks instead; 'lockstep bench baseline "
                        + "--help' trains plain single-process DL4J on Lockstep's batches for accuracy comparisons; "
                        + "'lockstep bench transform --help' measures distributed scoring (Spark ML transform)."})
public final class BenchMain implements Callable<Integer> {
    private static final double LR = 1e-3;
    /** Timed jobs of each kind for the {@link SparkFloor}, and timed rounds for the {@link ChannelFloorMedians}. */
    private static final int FLOOR_JOBS = 400;
    /** Timed rounds per task for the {@link BarrierRound}. */
    private static final int BARRIER_ROUNDS = 5;
    /** BLAS threads of the second single-process DL4J side. */
    private static final int DL4J_THREADS = 2;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--batches", split = ",", paramLabel = "B",
            description = "Global batch sizes (default: 256,1024,4096,16384).")
    List<Integer> batches = new ArrayList<>(List.of(256, 1024, 4096, 16384));

    @Option(names = "--sides", split = ",", paramLabel = "SIDE",
            description = "What to measure: lockstep, lockstep-sharded, dl4j-1t, dl4j-2t, dl4j-pair, pa-f1, pa-f5, "
                    + "pytorch-ddp or all (default: all; pytorch-ddp is skipped with one line when no Python can "
                    + "import torch).")
    List<String> sides = new ArrayList<>(List.of("all"));

    @Option(names = "--steps", paramLabel = "N", description = "Measured steps per configuration (default: ${DEFAULT-VALUE}).")
    int steps = 30;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up steps discarded first (default: ${DEFAULT-VALUE}).")
    int warmup = 5;

    @Option(names = "--jit-warmup", paramLabel = "N",
            description = "Untimed steps of Lockstep and DL4J run once before the first configuration, so JIT and "
                    + "first-use costs do not land on the first batch size (default: ${DEFAULT-VALUE}).")
    int jitWarmup = 1000;

    @Option(names = "--pa-fits", paramLabel = "N",
            description = "Measured ParameterAveraging fit calls per configuration (default: ${DEFAULT-VALUE}).")
    int paFits = 3;

    @Option(names = "--pa-warmup", paramLabel = "N",
            description = "ParameterAveraging fit calls discarded first (default: ${DEFAULT-VALUE}).")
    int paWarmup = 1;

    @Option(names = "--pa-max-batches", paramLabel = "K",
            description = "Most global batches one ParameterAveraging fit covers; it covers min(one epoch, K), "
                    + "rounded down to a multiple of the averaging frequency, at least one round (default: ${DEFAULT-VALUE}).")
    int paMaxBatches = 5;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory; MNIST is fetched into DIR/mnist if missing (default: $LOCKSTEP_DATA_DIR or ~/.lockstep/data).")
    Path dataDir;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master = "local[2]";

    @Option(names = "--workers", paramLabel = "P",
            description = "Lockstep workers = data partitions, and ParameterAveraging workers (default: ${DEFAULT-VALUE}).")
    int workers = 2;

    @Option(names = "--seed", paramLabel = "S", description = "Model and batch-order seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the results to FILE: FILE.json (everything) or FILE.csv (one row per B).")
    Path out;

    @Option(names = "--record", paramLabel = "DIR",
            description = "Write the run's raw outputs into DIR (new or empty), to commit and audit: console.txt, "
                    + "bench.json, bench.csv, environment.json (uptime, CPU, git commit, ...), ddp_bench.jsonl.")
    Path record;

    @Option(names = "--step-transport", paramLabel = "auto|channel|job",
            description = "How the Lockstep sides' steps reach the workers (see lockstep train --step-transport; "
                    + "default: ${DEFAULT-VALUE}; the header and bench.json name the one used).")
    String stepTransport = "auto";

    @Option(names = "--python", paramLabel = "CMD",
            description = "Python for the pytorch-ddp side (default: the first of python3, /usr/bin/python3 that "
                    + "imports torch).")
    String python;

    /** Where the report goes: System.out, or a tee into the --record directory's console.txt. */
    private PrintStream stdout = System.out;

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

    /** Parses and runs; returns the exit code. {@code jmh} as the first argument runs {@link JmhMain}. */
    static int run(String... args) {
        if (args.length > 0 && args[0].equals("jmh")) {
            return JmhMain.run(Arrays.copyOfRange(args, 1, args.length));
        }
        String sub = args.length > 0 ? args[0] : "";
        CommandLine cl = switch (sub) {
            case "baseline" -> new CommandLine(new BaselineCommand());
            case "transform" -> new CommandLine(new TransformCommand());
            default -> new CommandLine(new BenchMain());
        };
        if (sub.equals("baseline") || sub.equals("transform")) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        cl.setParameterExceptionHandler((e, a) -> {
            System.err.println("lockstep bench: " + oneLine(e) + " (see --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, p) -> {
            System.err.println("lockstep bench: " + oneLine(e));
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        BenchSettings settings = settings();
        RunRecord rec = settings.record() == null ? null
                : RunRecord.start(settings.record(), spec.commandLine().getParseResult().originalArgs());
        if (rec == null) {
            return measureAndReport(settings, null);
        }
        stdout = rec.tee(System.out);
        try {
            return measureAndReport(settings, rec);
        } finally {
            rec.writeConsole(); // also when the run failed: what it printed until then
            stdout.flush();
        }
    }

    private int measureAndReport(BenchSettings settings, RunRecord rec) throws IOException {
        long start = System.nanoTime();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Path dir = dataDir != null ? dataDir : MnistFetcher.defaultDataDir();
        Path mnist = new MnistFetcher(dir).ensure(stdout::println);
        Dataset train = IdxReader.read(mnist.resolve(MnistFetcher.TRAIN_IMAGES),
                mnist.resolve(MnistFetcher.TRAIN_LABELS), 10);
        for (int b : settings.batches()) {
            if (b > train.size()) {
                throw new IllegalArgumentException("--batches: " + b + " is larger than the training set ("
                        + train.size() + " examples)");
            }
        }
        ModelAdapter model = Models.byName("mlp", train.numFeatures(), train.numClasses(), settings.seed());
        Map<String, String> skipped = new LinkedHashMap<>();
        List<String> ddpHeader = new ArrayList<>();
        DdpBench ddp = ddpSide(settings, mnist, skipped, ddpHeader, rec);

        List<BenchRow> rows;
        BenchEnv env;
        SparkFloor floor;
        ChannelFloorMedians channelFloor = null;
        BarrierRound barrier = null;
        try (JavaSparkContext sc = new JavaSparkContext(sparkConf(settings))) {
            sc.setLogLevel("WARN");
            settings = settings.decided(sc);
            int limit = Math.min(settings.workers(), sc.defaultParallelism());
            env = new BenchEnv(Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                    sc.version(), settings.master(), settings.workers(), limit, ompNumThreads(),
                    BlasThreads.current(), BlasThreads.nd4jThreads(), load);
            printHeader(env, settings, model, train, mnist, ddpHeader);
            floor = SparkFloor.measure(sc, settings.workers(), model.numParams(), FLOOR_JOBS);
            stdout.println("  Spark floor: " + floor.describe(settings.workers(), model.numParams()));
            if (channelSides(settings)) {
                channelFloor = ChannelFloorMedians.measure(sc, settings.workers(), model.numParams(), FLOOR_JOBS);
                stdout.println("  Channel floor: " + channelFloor.describe(settings.workers(), model.numParams()));
            }
            if (settings.master().startsWith("local")) { // a barrier stage needs all P slots free at once
                barrier = BarrierRound.measure(sc, settings.workers(), BARRIER_ROUNDS);
                stdout.println("  persistent tasks: " + barrier.describe(settings.workers()));
            }
            rows = measure(sc, settings, model, train, limit, ddp);
        }
        List<Target> targets = Targets.evaluate(rows);
        stdout.println();
        stdout.print(ReportTable.format(rows));
        List<Breakdown> breakdowns = rows.stream().map(BenchRow::breakdown).filter(b -> b != null).toList();
        if (!breakdowns.isEmpty()) {
            stdout.println();
            stdout.print(Breakdown.format(breakdowns));
        }
        List<DdpResult> ddpRows = rows.stream().map(BenchRow::ddp).filter(d -> d != null).toList();
        if (!ddpRows.isEmpty()) {
            stdout.println();
            stdout.print(DdpResult.format(ddpRows, breakdowns));
        }
        stdout.println();
        stdout.print(Targets.format(targets));
        double wall = (System.nanoTime() - start) / 1e9;
        BenchReport report = new BenchReport(env, settings, floor, channelFloor, barrier, rows, targets, wall,
                skipped);
        if (settings.out() != null) {
            ResultFiles.write(report, settings.out());
            stdout.println("results written to " + settings.out());
        }
        if (rec != null) {
            stdout.println("raw outputs recorded in " + settings.record());
        }
        stdout.printf(Locale.ROOT, "total wall time %.1f s%n", wall);
        if (rec != null) {
            rec.finish(report, ddp == null ? List.of() : ddp.rawLines());
        }
        return 0;
    }

    /**
     * The PyTorch DDP side, or null when it is not asked for or no Python can import torch; then the reason
     * goes into {@code skipped}. Adds the line to print under the header to {@code lines}.
     */
    private DdpBench ddpSide(BenchSettings s, Path mnist, Map<String, String> skipped, List<String> lines,
                             RunRecord rec) throws IOException {
        if (!s.runs(Side.PYTORCH_DDP)) {
            return null;
        }
        DdpBench.Probe probe = DdpBench.probe(s.pythons());
        if (!probe.available()) {
            skipped.put(Side.PYTORCH_DDP.key(), probe.skipReason());
            lines.add("  " + Side.PYTORCH_DDP.key() + ": skipped (" + probe.skipReason() + ")");
            return null;
        }
        lines.add("  " + Side.PYTORCH_DDP.key() + ": " + probe.python() + ", torch " + probe.torchVersion()
                + ", 2 processes x 1 thread, Gloo on 127.0.0.1, Adam lr " + LR + " (as the other sides)");
        if (rec != null) {
            rec.note("python", probe.python());
            rec.note("torch", probe.torchVersion());
        }
        return new DdpBench(probe.python(), DdpBench.extractScript(), DdpBench.fixedArgs("adam", LR, s.seed(),
                mnist.resolve(MnistFetcher.TRAIN_IMAGES), mnist.resolve(MnistFetcher.TRAIN_LABELS)));
    }

    private List<BenchRow> measure(JavaSparkContext sc, BenchSettings s, ModelAdapter model, Dataset train, int limit,
                                   DdpBench ddp) {
        ShardedDataset replicated = s.runs(Side.LOCKSTEP) ? ShardedDataset.replicate(sc, train, s.workers()) : null;
        ShardedDataset shards = s.runs(Side.LOCKSTEP_SHARDED) ? ShardedDataset.distribute(sc, train, s.workers()) : null;
        if (shards != null) {
            stdout.println("  storage    " + StorageReport.of(sc) + " (after caching the shards)");
        }
        LockstepBench lockstep = replicated == null ? null : new LockstepBench(sc, model, replicated, LR, s.seed(), s.transport());
        LockstepBench lockstepSharded = shards == null ? null : new LockstepBench(sc, model, shards, LR, s.seed(), s.transport());
        Dl4jBench dl4j = new Dl4jBench(model, train, LR, s.seed());
        boolean pa = s.runs(Side.PA_F1) || s.runs(Side.PA_F5);
        List<BenchRow> rows = new ArrayList<>();
        try (ParameterAveragingBench paBench = pa
                ? new ParameterAveragingBench(sc, model, train, LR, s.seed(), s.workers()) : null;
             Dl4jPairBench pair = new Dl4jPairBench(model, train, LR, s.seed())) {
            jitWarmup(s, lockstep != null ? lockstep : lockstepSharded, dl4j);
            if (lockstep != null && lockstepSharded != null && s.jitWarmup() > 0) {
                lockstepSharded.run(s.batches().stream().min(Integer::compare).orElseThrow(), 0, 50); // first use
            }
            for (int b : s.batches()) {
                rows.add(measureBatch(s, b, limit, lockstep, lockstepSharded, dl4j, pair, paBench, ddp));
            }
        } finally {
            for (ShardedDataset d : new ShardedDataset[] {replicated, shards}) {
                if (d != null) {
                    d.release();
                }
            }
        }
        return rows;
    }

    private void jitWarmup(BenchSettings s, LockstepBench lockstep, Dl4jBench dl4j) {
        boolean dl4jRuns = s.runs(Side.DL4J_1T) || s.runs(Side.DL4J_2T);
        if (s.jitWarmup() == 0 || lockstep == null && !dl4jRuns) {
            return;
        }
        int b = s.batches().stream().min(Integer::compare).orElseThrow();
        long t0 = System.nanoTime();
        if (lockstep != null) {
            lockstep.run(b, 0, s.jitWarmup());
        }
        if (dl4jRuns) {
            dl4j.run(b, 0, s.jitWarmup());
        }
        stdout.printf(Locale.ROOT, "  JIT warm-up: %d untimed steps of Lockstep/DL4J at B=%d in %.1f s%n",
                s.jitWarmup(), b, (System.nanoTime() - t0) / 1e9);
    }

    private BenchRow measureBatch(BenchSettings s, int b, int limit, LockstepBench lockstep,
                                  LockstepBench lockstepSharded, Dl4jBench dl4j,
                                  Dl4jPairBench pair,
                                  ParameterAveragingBench pa, DdpBench ddp) {
        Map<Side, SideResult> results = new EnumMap<>(Side.class);
        List<String> done = new ArrayList<>();
        Breakdown breakdown = null;
        DdpResult ddpResult = null;
        for (Side side : Side.values()) {
            if (!s.runs(side)) {
                continue;
            }
            long t0 = System.nanoTime();
            if (side == Side.PYTORCH_DDP) {
                if (ddp != null) { // null: skipped, said under the header
                    ddpResult = ddp.run(b, s.warmup(), s.steps());
                    results.put(side, ddpResult.sideResult());
                    done.add(String.format(Locale.ROOT, "%s %.1f s (loss %.4f)", side.label(),
                            (System.nanoTime() - t0) / 1e9, ddpResult.ddp().finalLoss()));
                }
                continue;
            }
            Measurement m = switch (side) {
                case LOCKSTEP -> lockstep.run(b, s.warmup(), s.steps());
                case LOCKSTEP_SHARDED -> lockstepSharded.run(b, s.warmup(), s.steps());
                case DL4J_1T -> dl4j.run(b, s.warmup(), s.steps());
                case DL4J_2T -> withThreads(DL4J_THREADS, () -> dl4j.run(b, s.warmup(), s.steps()));
                case DL4J_PAIR -> pair.run(b, s.warmup(), s.steps());
                case PA_F1, PA_F5 -> pa.run(b, side.averagingFrequency(), s.paWarmup(), s.paFits(), s.paMaxBatches());
                case PYTORCH_DDP -> throw new IllegalStateException("measured above");
            };
            if (side == Side.LOCKSTEP) {
                breakdown = lockstep.lastBreakdown().withBatch(b);
            }
            results.put(side, SideResult.of(m));
            done.add(String.format(Locale.ROOT, "%s %.1f s (loss %.4f)", side.label(), (System.nanoTime() - t0) / 1e9,
                    m.finalLoss()));
        }
        stdout.printf(Locale.ROOT, "  B=%d: %s%n", b, String.join(", ", done));
        return BenchRow.of(b, s.workers(), limit, results, breakdown, ddpResult);
    }

    /**
     * Whether a Lockstep side runs with the step channel, asked for or chosen by {@code auto} (then the bench also
     * measures the channel's floor); {@code s} has its transport decided.
     */
    private static boolean channelSides(BenchSettings s) {
        return s.transport().kind() == StepTransportConfig.Kind.CHANNEL
                && (s.runs(Side.LOCKSTEP) || s.runs(Side.LOCKSTEP_SHARDED));
    }

    /** Runs {@code body} with {@code n} BLAS threads, then restores the previous count. */
    private static Measurement withThreads(int n, java.util.function.Supplier<Measurement> body) {
        int before = BlasThreads.current();
        BlasThreads.set(n);
        try {
            return body.get();
        } finally {
            BlasThreads.set(before);
        }
    }

    private BenchSettings settings() {
        try {
            return new BenchSettings(batches, Side.parse(sides), steps, warmup, jitWarmup, paFits, paWarmup,
                    paMaxBatches, master, workers, seed, out, python, record, stepTransport);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The conf {@code lockstep train} would use ({@link SparkDefaults}), bound to 127.0.0.1, no UI. */
    private static SparkConf sparkConf(BenchSettings s) {
        return SparkDefaults.apply(new SparkConf()
                .setMaster(s.master())
                .setAppName("lockstep-bench")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1"));
    }

    private void printHeader(BenchEnv env, BenchSettings s, ModelAdapter model, Dataset train, Path mnist,
                             List<String> more) {
        stdout.println("Lockstep bench: Lockstep vs single-process DL4J and DL4J Spark parameter averaging");
        stdout.printf(Locale.ROOT, "  model      %s %d-256-256-%d (%,d params), Adam lr %s, seed %d%n", model.name(),
                model.numFeatures(), model.numClasses(), model.numParams(), LR, s.seed());
        stdout.printf(Locale.ROOT, "  data       %,d training examples from %s%n", train.size(), mnist);
        stdout.println(env.header());
        stdout.printf(Locale.ROOT, "  timing     %d untimed JIT warm-up steps once; per config %d warm-up + %d measured "
                + "steps;%n             PA: %d warm-up + %d measured fit calls over <= %d global batches each%n",
                s.jitWarmup(), s.warmup(), s.steps(), s.paWarmup(), s.paFits(), s.paMaxBatches());
        stdout.println("             Lockstep: whole synchronized step on the driver (step transport " + s.transport().label()
                + "); DL4J: one fit() call; PA: one SparkDl4jMultiLayer.fit(rdd)");
        more.forEach(stdout::println);
        stdout.println();
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
