package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.config.ConfigException;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.model.ModelAdapter;
import io.lockstep.run.OutputSpec;
import io.lockstep.run.RunSpec;
import io.lockstep.run.SpecDiff;
import io.lockstep.run.SpecJson;
import io.lockstep.spark.Checkpointing;
import io.lockstep.spark.FaultInjection;
import io.lockstep.spark.StopRequest;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.TrainResult;
import io.lockstep.spark.TransportChoice;
import io.lockstep.spark.run.InputCache;
import io.lockstep.spark.run.Runner;
import io.lockstep.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One training run of a {@link RunSpec} on a {@link Runner}, recorded in the spec's output directory
 * (run.json with the resolved spec, metrics.jsonl, model.zip). {@code lockstep train} runs one;
 * {@code lockstep sweep} runs many on one runner.
 */
public final class TrainRun {
    private final RunSpec spec;
    private final FaultInjection faults;
    private final Resume resume;

    TrainRun(RunSpec spec, FaultInjection faults, Resume resume) {
        this.spec = spec;
        this.faults = faults;
        this.resume = resume;
    }

    /**
     * A resumed run: its previous run.json and the changes of the command against the stored spec
     * (already applied to the spec; recorded in metrics.jsonl).
     */
    record Resume(Map<String, Object> previousRun, List<SpecDiff.Difference> changes) {}

    /** Where a run's console output goes and what it writes besides run.json and metrics.jsonl. */
    public record Output(PrintStream console, boolean progress, boolean saveModels) {}

    /**
     * A finished run: the trainer's result, the resolved configuration, the training wall time, and whether
     * it checkpointed (then an interrupted run can be resumed).
     */
    public record Result(TrainResult result, TrainConfig config, double seconds, Path dir, boolean checkpointed) {}

    public RunSpec spec() {
        return spec;
    }

    /** This run, recorded in {@code dir}. */
    public TrainRun inDir(Path dir) {
        return new TrainRun(spec.withOutput(spec.output().withDir(dir.toString())), faults, resume);
    }

    /** True when this run continues a stopped one from its newest checkpoint. */
    boolean resumes() {
        return resume != null;
    }

    /** Resolves the run against its data without Spark (IDX data); usage errors name the flags. */
    Runner.Resolved check(InputCache cache) {
        return usage(() -> Runner.check(spec, cache));
    }

    /**
     * Resolves the run against its data (loaded or read through the runner): the batch must fit the
     * training set, the model the data, the schedule the run's length.
     *
     * @throws UsageException naming the option and the problem
     */
    public Runner.Resolved check(Runner runner) {
        return usage(() -> runner.resolve(spec));
    }

    /** Config errors as usage errors naming the flags the user typed. */
    static <T> T usage(Supplier<T> action) {
        try {
            return action.get();
        } catch (ConfigException e) {
            throw new UsageException(FlagNames.inMessage(e.getMessage()));
        }
    }

    /**
     * Trains and records the run in its output directory; {@code extra} also receives the run's events.
     * A halt on divergence is a result ({@link TrainResult.Outcome#DIVERGED}), not an exception.
     */
    public Result run(Runner runner, Output output, TrainListener extra) throws IOException {
        return run(runner, output, extra, new StopRequest());
    }

    /**
     * {@link #run(Runner, Output, TrainListener)} that stops after the step during which {@code stop} is
     * requested: model, checkpoint (when checkpointing) and run.json are written, the outcome is
     * {@link TrainResult.Outcome#INTERRUPTED}.
     */
    Result run(Runner runner, Output output, TrainListener extra, StopRequest stop) throws IOException {
        Runner.Resolved resolved = check(runner);
        InputCache.Inputs in = runner.inputs(resolved);
        runner.preflight(resolved, in);
        Path outDir = Path.of(spec.output().dir());
        Map<String, Object> run = new RunInfo(resolved, in, runner.sparkInfo()).provenance();
        TransportChoice transport = usage(() -> runner.transport(resolved, in));
        run.putAll(transportInfo(transport));
        Checkpointing checkpointing = checkpointing(runner, resolved.spec(), outDir, run);
        printResolved(output.console(), transport, resolved.config(), resolved.model(), in, runner.master(), runner.taskSlots());
        runner.uiUrl().ifPresent(url -> output.console().println("  Spark UI " + url));
        long start = System.nanoTime();
        try (RunRecorder recorder = recorder(outDir, checkpointing);
             ConsoleProgress bar = output.progress() ? new ConsoleProgress(output.console()) : null) {
            recorder.writeRunJson(run);
            List<TrainListener> listeners = new ArrayList<>(List.of(recorder, extra));
            if (bar != null) {
                listeners.add(bar);
            }
            TrainResult result = runner.train(resolved.withTransport(transport.used()), in, new Listeners(listeners),
                    checkpointing, faults, stop);
            saveModels(output, resolved.model(), result, recorder);
            double seconds = (System.nanoTime() - start) / 1e9;
            run.put("result", RunInfo.result(result, seconds, output.saveModels()));
            recorder.writeRunJson(run);
            return new Result(result, resolved.config(), seconds, outDir, checkpointing.store() != null);
        }
    }

    private RunRecorder recorder(Path outDir, Checkpointing checkpointing) throws IOException {
        if (checkpointing.resume() == null) {
            return RunRecorder.create(outDir);
        }
        RunRecorder r = RunRecorder.append(outDir, checkpointing.resume().nextStep());
        r.writeChanges(resume.changes(), SpecFlags::label);
        return r;
    }

    private static void saveModels(Output output, ModelAdapter model, TrainResult result, RunRecorder recorder)
            throws IOException {
        if (output.saveModels()) {
            model.save(result.params(), recorder.modelFile());
            if (result.bestParams() != null) {
                model.save(result.bestParams(), recorder.dir().resolve(RunRecorder.BEST_MODEL));
            }
        }
    }

    /**
     * Checkpoints as the spec says (every N steps, each epoch, or never with 0), resuming from the newest
     * checkpoint of a resumed run.
     */
    private Checkpointing checkpointing(Runner runner, RunSpec resolved, Path outDir, Map<String, Object> run)
            throws IOException {
        long every = spec.output().checkpointEvery();
        if (every == 0 && resume == null) {
            return Checkpointing.none();
        }
        String uri = Runner.checkpointUri(resolved);
        TrainingCheckpoint from = null;
        if (resume != null) {
            from = runner.latestCheckpoint(uri).orElseThrow(() -> new UsageException("--resume " + outDir
                    + ": no complete checkpoint in " + uri + " (the run was started with --checkpoint-every 0, or "
                    + "stopped before its first checkpoint)"));
            run.put("resumed_from_step", from.nextStep());
        }
        Map<String, String> metadata = Map.of("run", String.valueOf(outDir), "spec", SpecJson.write(resolved));
        if (every == 0) {
            return new Checkpointing(null, 0, from, metadata);
        }
        run.put("checkpoint_dir", uri);
        return runner.checkpointing(uri, every == OutputSpec.EACH_EPOCH ? Checkpointing.EACH_EPOCH : every,
                spec.output().keepCheckpoints(), from, metadata);
    }

    /** Parses {@code --inject-task-failures STEP:PARTITION[,...]}; null or blank: none. */
    static FaultInjection faults(String injectFailures) {
        if (injectFailures == null || injectFailures.isBlank()) {
            return FaultInjection.none();
        }
        Set<Long> failSteps = new HashSet<>();
        Set<Integer> partitions = new HashSet<>();
        for (String item : injectFailures.split(",")) {
            String[] sp = item.trim().split(":");
            try {
                if (sp.length != 2) {
                    throw new NumberFormatException();
                }
                failSteps.add(Long.parseLong(sp[0]));
                partitions.add(Integer.parseInt(sp[1]));
            } catch (NumberFormatException e) {
                throw new UsageException("--inject-task-failures expects STEP:PARTITION[,...] (got '" + item + "')");
            }
        }
        return new FaultInjection(failSteps, partitions);
    }

    /** The ghost batch a run uses and why, e.g. "ghost batch 32 (automatic: the model has batch norm)". */
    static String ghostDescription(TrainConfig config, ModelAdapter model, io.lockstep.data.DataPlacement placement) {
        int g = config.resolveGhostBatch(config.globalBatch(), model.batchDependent(), placement);
        int k = io.lockstep.data.GhostBatches.count(config.globalBatch(), g);
        String why = config.ghostBatch() > 0 ? "" : model.batchDependent()
                ? " (automatic: the model has " + (model.batchNorm() ? "batch norm" : "dropout or weight noise")
                        + "; --ghost-batch sets it)"
                : " (automatic: one pass per worker; the model's passes do not depend on their batch)";
        return "ghost batch " + g + why + ", " + k + " forward pass" + (k == 1 ? "" : "es") + " per step";
    }

    private static int maxBatch(TrainConfig config) {
        return config.adaptiveBatch() == null ? config.globalBatch() : config.adaptiveBatch().maxBatch();
    }

    /**
     * run.json's record of the transport: {@code step_transport} = the one used (what {@code lockstep advise} fits
     * by), {@code step_timeout_s} for the channel, and for {@code auto} what was asked and, for job, why.
     */
    private static Map<String, Object> transportInfo(TransportChoice t) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("step_transport", t.used().label());
        if (t.used().stepTimeout() != null) {
            m.put("step_timeout_s", t.used().stepTimeout().toSeconds());
        }
        if (t.requested().kind() == StepTransportConfig.Kind.AUTO) {
            m.put("step_transport_requested", t.requested().label());
            if (t.reason() != null) {
                m.put("step_transport_reason", t.reason());
            }
        }
        return m;
    }

    private static void printResolved(PrintStream console, TransportChoice transport, TrainConfig config,
                                      ModelAdapter model, InputCache.Inputs in,
                                      String master, int taskSlots) {
        BatchPlan plan = config.batchPlan(in.train().size());
        long total = config.totalSteps(plan);
        console.printf("lockstep train: model %s (%,d params), dataset %s (%,d train / %,d validation / %,d test)%n",
                model.name(), model.numParams(), in.name(), in.train().size(),
                in.validation() == null ? 0 : in.validation().size(),
                in.test() == null ? 0 : in.test().size());
        console.printf("  Spark master %s, workers P=%d, global batch B=%d, per-worker batch ~%.1f%s%n", master,
                config.workers(), config.globalBatch(), (double) config.globalBatch() / config.workers(),
                config.microBatch() > 0 ? ", micro-batch " + config.microBatch() : "");
        console.printf("  step transport %s%n", transport.describe());
        console.printf("  %s data, %s%n", in.train().placement().cliName(), ghostDescription(config, model, in.train().placement()));
        for (String warning : io.lockstep.run.RunWarnings.of(config, model.batchDependent(), in.train().placement(),
                taskSlots)) {
            console.println("  warning: " + warning);
        }
        for (String note : model.notes()) {
            console.println("  note: " + note);
        }
        if (config.batchGrowthFactor() > 0) {
            console.printf("  batch growth instead of LR decay: %s%n", plan.batchSchedule().describe());
        }
        if (config.adaptiveBatch() != null) {
            console.printf("  global batch %s for the highest goodput (B = %d first)%n", config.adaptiveBatch().describe(),
                    config.globalBatch());
        }
        long length = config.scheduleLength(plan, in.train().size());
        console.printf("  steps/epoch %d, total steps %s, optimizer %s, seed %d%n", plan.stepsPerEpoch(),
                config.adaScale() ? "until tau reaches " + length + " base iterations (at most " + length + " steps, at"
                        + " least " + (long) Math.ceil(length * config.referenceBatch() / (double) maxBatch(config)) + ")"
                        : String.valueOf(total), config.optimizer().describe(), config.seed());
        console.printf("  lr %g at B_ref=%d, %s scaling -> peak lr %g%s; schedule: %s%n", config.lr(),
                config.referenceBatch(), config.lrScaling().cliName(), config.peakLr(),
                config.adaScale() ? String.format(" x gain in [1, %.4g]", maxBatch(config)
                        / (double) config.referenceBatch()) : "", config.schedule(length).describe());
    }
}
