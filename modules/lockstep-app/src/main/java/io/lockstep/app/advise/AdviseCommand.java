package io.lockstep.app.advise;

import io.lockstep.app.UsageException;
import io.lockstep.perf.MeasuredRun;
import io.lockstep.perf.PredictionCheck;
import io.lockstep.perf.RunDirectory;
import io.lockstep.perf.RunSummary;
import io.lockstep.perf.ScalingAdvice;
import io.lockstep.perf.StepTimeModel;
import io.lockstep.perf.StepsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
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
            "  S(B) = S_min*(1 + B_crit/B)",
            "Marks the fastest and the cheapest (executor-seconds) point of the grid."},
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

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the model and predictions as JSON"
            + " (an existing file is not overwritten).")
    Path json;

    @Option(names = "--validate", paramLabel = "RUN_DIR",
            description = "A measured run to compare the predicted step time (and steps to target, when both are"
                    + " known) with (repeatable).")
    List<Path> validate = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        List<MeasuredRun> runs = read(runDirs);
        List<RunSummary> fitted = runs.stream().map(r -> RunSummary.of(r, quantile)).toList();
        StepTimeModel time = StepTimeModel.fit(fitted);
        StepsSource.Choice steps = StepsSource.resolve(runs, optional(targetSteps), optional(sMin), optional(bCrit));
        ScalingAdvice advice = ScalingAdvice.of(time, steps.model(), steps.noise(), workers, batches);
        List<PredictionCheck> checks = PredictionCheck.against(time, steps.model(), fitted,
                read(validate).stream().map(r -> RunSummary.of(r, quantile)).toList());
        AdviceReport report = new AdviceReport(fitted, time, steps, advice, checks);
        spec.commandLine().getOut().print(report.text());
        spec.commandLine().getOut().flush();
        if (json != null) {
            report.writeJson(json);
        }
        return 0;
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

    /** Reads run directories; a missing directory or file is a usage error, malformed content a data error. */
    private static List<MeasuredRun> read(List<Path> dirs) {
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new UsageException("run directory " + dir + " does not exist");
            }
            Path missing = RunDirectory.missingFile(dir);
            if (missing != null) {
                throw new UsageException(missing + " is missing: " + dir + " is not a Lockstep run directory");
            }
        }
        return dirs.stream().map(d -> RunDirectory.read(d.toAbsolutePath().normalize())).toList();
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalDouble optional(Double v) {
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
