package io.lockstep.app.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.app.Main;
import io.lockstep.app.data.MnistFetcher;
import io.lockstep.app.train.TrainRun;
import io.lockstep.run.RunSpec;
import io.lockstep.run.SpecDiff;
import io.lockstep.run.SpecJson;
import io.lockstep.spark.run.InputCache;
import io.lockstep.spark.run.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep sweep SPEC}: runs every run of a sweep spec in one Spark context, resumably, and summarises them. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the training runs of a sweep spec (YAML: base options, grid, runs, stop) one after another "
                + "in one Spark context and write summary.csv and summary.parquet.",
            "Rerunning resumes: runs with a result.json are skipped, interrupted runs start over."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every run finished or diverged", "1:some run failed (status failed in the summary), "
                + "or a run-time error", "2:invalid spec or command line (nothing ran)"})
public final class SweepCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "SPEC", description = "The sweep spec (YAML or JSON).")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Sweep directory. Default: runs/sweeps/<spec name>.")
    Path out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master. Default: the one spark-submit set, else local[*].")
    String master;

    @Option(names = "--dry-run", description = "Validate the spec and print the plan (run names and train arguments); run nothing.")
    boolean dryRun;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show each run's progress bar. Default: ${DEFAULT-VALUE}.")
    boolean progress;

    @Option(names = "--save-models", defaultValue = "false",
            description = "Write model.zip (and best-model.zip) in every run directory. Default: ${DEFAULT-VALUE}.")
    boolean saveModels;

    @Spec
    CommandSpec spec;

    private final PrintStream console = System.out;

    @Override
    public Integer call() throws IOException {
        try {
            return sweep();
        } catch (SpecException e) {
            spec.commandLine().getErr().println("lockstep: invalid sweep spec: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    /**
     * The spec file: {@code path} itself, or, when it does not exist, {@code path.yaml}, {@code .yml} or
     * {@code .json} (so {@code lockstep sweep experiments/noise-scale} finds {@code experiments/noise-scale.yaml}).
     */
    static Path resolve(Path path) {
        if (Files.exists(path)) {
            return path;
        }
        for (String ext : List.of(".yaml", ".yml", ".json")) {
            Path candidate = path.resolveSibling(path.getFileName() + ext);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return path;
    }

    private int sweep() throws IOException {
        SweepSpec sweep = SpecParser.read(resolve(specFile));
        List<PlannedRun> plan = SweepPlanner.plan(sweep);
        List<TrainRun> runs = SweepPlanner.parse(sweep, plan);
        SweepDir dir = new SweepDir(out != null ? out : Path.of("runs", "sweeps", sweep.name()));
        List<SweepRunner.Pending> pending = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            PlannedRun run = plan.get(i);
            TrainRun train = runs.get(i).inDir(dir.runDir(run.name()));
            if (dir.isDone(run.name())) {
                checkSameRun(sweep, dir, run, train.spec());
                done.add(run.name());
            } else {
                pending.add(new SweepRunner.Pending(i, run, train));
            }
        }
        printPlan(sweep, dir, plan, done);
        if (dryRun) {
            return 0;
        }
        dir.writeSpecAndPlan(sweep, plan);
        InputCache cache = new InputCache(console::println, MnistFetcher.files());
        try (Runner runner = Runner.start(master, "lockstep sweep " + sweep.name(), cache)) {
            int failed = pending.isEmpty() ? 0
                    : new SweepRunner(dir, console, progress, saveModels).run(runner, sweep, plan.size(), pending);
            int rows = new SummaryWriter(dir).write(plan, sweep.sweptKeys(), runner);
            console.printf("%nsweep %s: %d run(s) summarised in %s and %s%s%n", sweep.name(), rows,
                    dir.root().resolve(SweepDir.SUMMARY_CSV), SweepDir.SUMMARY_PARQUET,
                    failed > 0 ? "; " + failed + " run(s) failed (status failed, see the error column)" : "");
            return failed > 0 ? Main.EXIT_FAILURE : 0;
        }
    }

    /**
     * A finished run is reused only if it was made from the same run spec the sweep file gives now
     * (result.json of older versions: the same train arguments).
     */
    private static void checkSameRun(SweepSpec sweep, SweepDir dir, PlannedRun run, RunSpec planned) throws IOException {
        Map<String, Object> result = dir.readResult(dir.runDir(run.name()).resolve(SweepDir.RESULT));
        String other = result.get(SweepRunner.SPEC) instanceof Map<?, ?> stored
                ? describe(SpecDiff.of(SpecJson.fromTree(JSON.valueToTree(stored)), planned))
                : run.args().equals(result.get("args")) ? ""
                : "other train arguments " + result.get("args") + " than the spec gives now " + run.args();
        if (!other.isEmpty()) {
            throw new SpecException(sweep.file(), "run '" + run.name() + "' in " + dir.runDir(run.name())
                    + " was made with " + other + "; delete that run directory or use another --out");
        }
    }

    private static String describe(List<SpecDiff.Difference> diffs) {
        return diffs.isEmpty() ? "" : "another run spec (" + String.join("; ", diffs.stream()
                .map(d -> d.field() + ": then " + d.before() + ", now " + d.after()).toList()) + ")";
    }

    private void printPlan(SweepSpec sweep, SweepDir dir, List<PlannedRun> plan, List<String> done) {
        console.printf("sweep %s: %d run(s), %d already done, directory %s%n", sweep.name(), plan.size(), done.size(),
                dir.root());
        if (sweep.description() != null) {
            console.println("  " + sweep.description());
        }
        for (int i = 0; i < plan.size(); i++) {
            PlannedRun run = plan.get(i);
            console.printf("  %3d %-8s %s%s%n", i + 1, done.contains(run.name()) ? "done" : "to run", run.name(),
                    dryRun ? "\n        train " + String.join(" ", run.args()) : "");
        }
    }
}
