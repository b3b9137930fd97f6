package io.lockstep.app.advise;

import io.lockstep.app.UsageException;
import io.lockstep.perf.DriverLink;
import io.lockstep.perf.MeasuredRun;
import io.lockstep.perf.PredictionCheck;
import io.lockstep.perf.RunDirectory;
import io.lockstep.perf.RunHistory;
import io.lockstep.perf.RunSummary;
import io.lockstep.perf.ScalingAdvice;
import io.lockstep.perf.StepTimeModel;
import io.lockstep.perf.StepsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep advise}: predicts step time and time to target for other executor counts and batch sizes. */
@Command(name = "advise", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Scaling advisor: predict step time, efficiency and time to target for other P and B from measured runs.",
        description = {"Scaling advisor: from measured runs (their per-step time breakdown, and steps to a target and"
                + " the gradient noise scale when present) predict step time, throughput, parallel efficiency, steps,"
                + " examples and wall time to the target for other executor counts P and global batches B:",
            "  T(B,P) = a_P + c_P*ceil(B/P) + o + k*params*P + u*params   (a_P only from runs at two or more B per P)",
            "  at least 2*P*params*4*8/L: the driver link carries every task's partial in and its parameters out",
            "  S(B) = S_min*(1 + B_crit/B)",
            "Marks the fastest and the cheapest (executor-seconds) point of the grid. Runs of different step"
                + " transports (run.json step_transport) get one step-time model each."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:advice printed", "1:a run directory holds malformed data", "2:invalid command line"})
public final class AdviseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR", arity = "1..*",
            description = "Run directories of `lockstep train --out` (run.json, metrics.jsonl) to fit the model to."
                    + " Runs with different --workers let the advisor fit how communication grows with P.")
    List<Path> runDirs;

    @Option(names = "--workers", paramLabel = "P", split = ",", defaultValue = "1,2,4,8",
            description = "Executor counts to predict for (one core each). Default: ${DEFAULT-VALUE}.")
    int[] workers;

    @Option(names = "--global-batch", paramLabel = "B", split = ",", defaultValue = "256,1024,4096,16384",
            description = "Global batch sizes to predict for. Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(names = "--target-steps", paramLabel = "S",
            description = "Steps the first run needed to reach the target (overrides its target_reached line).")
    Long targetSteps;

    @Option(names = "--b-crit", paramLabel = "X",
            description = "Critical batch B_crit (default: fitted from runs that reached the target at several B,"
                    + " else the run's gradient noise scale B_simple).")
    Double bCrit;

    @Option(names = "--s-min", paramLabel = "Y",
            description = "S_min, the steps to target with an unboundedly large batch; needs --b-crit, excludes"
                    + " --target-steps.")
    Double sMin;

    @Option(names = "--quantile", paramLabel = "Q", defaultValue = "0.5",
            description = "Quantile of each run's steady-state step times to fit and validate: 0.5 = median"
                    + " (default); a low one such as 0.1 approximates a quiet machine when other processes"
                    + " compete for the cores.")
    double quantile;

    @Option(names = "--driver-link-gbps", paramLabel = "L", defaultValue = "" + DriverLink.DEFAULT_GBPS,
            description = "Bandwidth of the driver's network link in Gb/s, an assumption (the fitted runs do not measure"
                    + " it): every predicted step takes at least 2*P*params*4*8/L. Default: ${DEFAULT-VALUE}.")
    double driverLinkGbps;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the model and predictions as JSON"
            + " (an existing file is not overwritten).")
    Path json;

    @Option(names = "--validate", paramLabel = "RUN_DIR",
            description = "A measured run to compare the predicted step time (and steps to target, when both are"
                    + " known) with (repeatable).")
    List<Path> validate = List.of();

    @Option(names = "--adaptive",
            description = "Also answer \"what would adaptive batching have saved here?\" for each RUN_DIR: the time a"
                    + " goodput-optimal batch (as --global-batch adaptive chooses it) would have needed for the"
                    + " progress the run made, from the run's own noise estimates and step times (a model prediction).")
    boolean adaptive;

    @Option(names = "--base-batch", paramLabel = "B0",
            description = "With --adaptive: the base batch b0 of AdaScale's gain r(B) (default: the run's reference batch).")
    Integer baseBatch;

    @Option(names = "--min-batch", paramLabel = "B",
            description = "With --adaptive: the smallest batch to choose (default: b0).")
    Integer minBatch;

    @Option(names = "--max-batch", paramLabel = "B",
            description = "With --adaptive: the largest batch to choose (default: min(64*b0, training set size)).")
    Integer maxBatch;

    @Option(names = "--shared-time-model",
            description = "With --adaptive: take T(B) from the step-time model fitted to all RUN_DIRs (they measure"
                    + " batches a run did not use) instead of each run's own steps.")
    boolean sharedTimeModel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        DriverLink link = driverLink();
        List<RunHistory> histories = readHistories(runDirs);
        List<MeasuredRun> runs = histories.stream().map(RunHistory::run).toList();
        // steps to target do not depend on the transport (the step's math is the same): from all runs
        StepsSource.Choice steps = StepsSource.resolve(runs, optional(targetSteps), optional(sMin), optional(bCrit));
        Map<String, List<RunHistory>> byTransport = new LinkedHashMap<>();
        histories.forEach(h -> byTransport.computeIfAbsent(h.run().transport(), t -> new ArrayList<>()).add(h));
        List<MeasuredRun> checked = read(validate);
        requireFittedTransports(checked, byTransport);
        List<AdviceReport> reports = new ArrayList<>();
        byTransport.forEach((t, hs) -> reports.add(report(t, hs, steps, link, checked.stream()
                .filter(r -> r.transport().equals(t)).toList())));
        reports.forEach(r -> spec.commandLine().getOut().print(reports.size() > 1 ? section(r) + r.text() : r.text()));
        spec.commandLine().getOut().flush();
        if (json != null) {
            Map<String, Object> byT = new LinkedHashMap<>();
            reports.forEach(r -> byT.put(r.transport(), r.toMap()));
            AdviceReport.writeJson(json, reports.size() == 1 ? reports.get(0).toMap() : Map.of("by_step_transport", byT));
        }
        return 0;
    }

    /** The advice for the runs of one step transport, its own step-time model fitted to them. */
    private AdviceReport report(String transport, List<RunHistory> histories, StepsSource.Choice steps,
                                DriverLink link, List<MeasuredRun> checked) {
        List<RunSummary> fitted = histories.stream().map(h -> RunSummary.of(h.run(), quantile)).toList();
        StepTimeModel time = StepTimeModel.fit(fitted);
        ScalingAdvice advice = ScalingAdvice.of(time, steps.model(), steps.noise(), link, workers, batches);
        List<PredictionCheck> checks = PredictionCheck.against(time, steps.model(), fitted,
                checked.stream().map(r -> RunSummary.of(r, quantile)).toList());
        List<AdaptiveSaving> savings = adaptive ? histories.stream().map(h -> sharedTimeModel
                ? AdaptiveSaving.of(h, range(h), time) : AdaptiveSaving.of(h, range(h), quantile)).toList()
                : List.of();
        return new AdviceReport(transport, fitted, time, steps, advice, checks, savings, link);
    }

    private static String section(AdviceReport r) {
        return String.format(Locale.ROOT, "%n== step transport %s ==%n", r.transport());
    }

    /** A --validate run needs a model of its own transport. */
    private static void requireFittedTransports(List<MeasuredRun> checked, Map<String, List<RunHistory>> fitted) {
        for (MeasuredRun r : checked) {
            if (!fitted.containsKey(r.transport())) {
                throw new UsageException("--validate " + r.name() + ": step transport " + r.transport() + ", but no"
                        + " RUN_DIR uses it (fitted: " + String.join(", ", fitted.keySet()) + "); the step-time model"
                        + " is fitted per transport");
            }
        }
    }

    private DriverLink driverLink() {
        try {
            return new DriverLink(driverLinkGbps);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--driver-link-gbps: " + e.getMessage());
        }
    }

    private void checkOptions() {
        if (sMin != null && bCrit == null) {
            throw new UsageException("--s-min needs --b-crit");
        }
        if (sMin != null && targetSteps != null) {
            throw new UsageException("give either --target-steps or --s-min, not both");
        }
        if (targetSteps != null && targetSteps < 1) {
            throw new UsageException("--target-steps must be >= 1, got " + targetSteps);
        }
        if (!(quantile > 0 && quantile < 1)) {
            throw new UsageException("--quantile must be in (0, 1), got " + quantile);
        }
        if (sharedTimeModel && !adaptive) {
            throw new UsageException("--shared-time-model needs --adaptive");
        }
        for (var o : new Object[][] {{"--base-batch", baseBatch}, {"--min-batch", minBatch}, {"--max-batch", maxBatch}}) {
            if (o[1] != null && !adaptive) {
                throw new UsageException(o[0] + " needs --adaptive");
            }
            if (o[1] != null && (Integer) o[1] < 1) {
                throw new UsageException(o[0] + " must be >= 1, got " + o[1]);
            }
        }
        requirePositive("--b-crit", bCrit);
        requirePositive("--s-min", sMin);
        requirePositive("--workers", workers);
        requirePositive("--global-batch", batches);
        if (json != null && Files.exists(json)) {
            throw new UsageException("--json " + json + " already exists; choose another file");
        }
    }

    private static void requirePositive(String option, Double v) {
        if (v != null && (!(v > 0) || v.isInfinite())) {
            throw new UsageException(option + " must be a finite number > 0, got " + v);
        }
    }

    private static void requirePositive(String option, int[] values) {
        for (int v : values) {
            if (v < 1) {
                throw new UsageException(option + " values must be >= 1, got " + v);
            }
        }
    }

    /** b0 and the range of B* for a run, from the options and the run; problems name the option. */
    private AdaptiveSaving.BatchRange range(RunHistory run) {
        String name = run.run().name();
        if (baseBatch == null && run.referenceBatch() < 1) {
            throw new UsageException(name + ": run.json has no derived.reference_batch; give --base-batch");
        }
        int b0 = baseBatch != null ? baseBatch : run.referenceBatch();
        int smallest = IntStream.range(0, run.statistics().size()).map(run::batch).min().orElseThrow();
        if (b0 > smallest) {
            throw new UsageException("--base-batch: b0 = " + b0 + " is above " + name + "'s smallest global batch "
                    + smallest + "; AdaScale's gain needs B >= b0");
        }
        int min = minBatch != null ? minBatch : b0;
        if (min < Math.max(b0, run.run().workers())) {
            throw new UsageException("--min-batch " + min + " is below the base batch b0 = " + b0 + " or " + name
                    + "'s P = " + run.run().workers());
        }
        long top = run.trainingSetSize() > 0 ? Math.min(64L * b0, run.trainingSetSize()) : 64L * b0;
        int max = maxBatch != null ? maxBatch : (int) top;
        if (max < min) {
            throw new UsageException("--max-batch " + max + (maxBatch == null ? " (default: min(64*b0, training set))"
                    : "") + " is below --min-batch " + min);
        }
        return new AdaptiveSaving.BatchRange(b0, min, max, String.format(Locale.ROOT, "b0 = %d (%s), B in %d..%d (%s)",
                b0, baseBatch != null ? "--base-batch" : "run.json reference_batch", min, max, maxBatch != null
                        ? "--max-batch" : run.trainingSetSize() > 0 ? "min(64*b0, training set " + run.trainingSetSize()
                        + ")" : "64*b0; run.json has no training set size"));
    }

    /** Reads run directories; a missing directory or file is a usage error, malformed content a data error. */
    private static List<RunHistory> readHistories(List<Path> dirs) {
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new UsageException("run directory " + dir + " does not exist");
            }
            Path missing = RunDirectory.missingFile(dir);
            if (missing != null) {
                throw new UsageException(missing + " is missing: " + dir + " is not a Lockstep run directory");
            }
        }
        return dirs.stream().map(d -> RunDirectory.readHistory(d.toAbsolutePath().normalize())).toList();
    }

    private static List<MeasuredRun> read(List<Path> dirs) {
        return readHistories(dirs).stream().map(RunHistory::run).toList();
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalDouble optional(Double v) {
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
