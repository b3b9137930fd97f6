package io.lockstep.spark;

import io.lockstep.adaptive.BatchChooser;
import io.lockstep.adaptive.StepTimePredictor;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.data.StepBatches;
import io.lockstep.data.StepShare;
import io.lockstep.grad.EvalSum;
import io.lockstep.grad.GradientAccumulator;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepTimings;
import io.lockstep.metrics.TrainPlan;
import io.lockstep.model.ModelAdapter;
import io.lockstep.schedule.LrSchedule;
import io.lockstep.train.GradientClipping;
import io.lockstep.train.RunLength;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact synchronous data-parallel training. Each step: the driver picks the global batch (from
 * {@link BatchPlan}, independent of the worker count; with an adaptive batch the size of each step is chosen
 * for goodput as the run goes, see {@link io.lockstep.adaptive.AdaptiveBatchPlan}), sends the parameters and each
 * partition's share of the batch over the {@linkplain StepTransportConfig step transport} (one Spark job per step, or
 * the step channel), every partition returns its gradient <b>sum</b>, the driver adds
 * the partials in partition order, divides once by B (the step's batch; it grows per epoch with
 * {@code batchGrowthFactor}) and applies one optimizer update. The result equals single-process training on the
 * same global batches, for any P and either transport.
 *
 * <p>Around that step ({@link #gradient}) the loop adds the learning-rate schedule, divergence
 * detection (halt or roll back, before the bad update is applied), per-epoch and periodic evaluation,
 * early stopping, stopping at a target accuracy and stopping on a {@link StopRequest}; the driver-side
 * state lives in {@link DriverState}. The trainer knows nothing about files or the command line: results go to a {@link TrainListener} and the returned {@link TrainResult}.
 */
public final class SyncTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SyncTrainer.class);
    private final JavaSparkContext sc;
    private final ModelAdapter model;
    private final TrainConfig config;
    private final FaultInjection faults;
    private final StopRequest stop;
    /** Step times an adaptive batch is chosen by; null = measured in this run. */
    private final StepTimePredictor stepTimes;
    private final StepTransportConfig transport;

    public SyncTrainer(JavaSparkContext sc, ModelAdapter model, TrainConfig config) {
        this(sc, model, config, FaultInjection.none(), new StopRequest(), null, StepTransportConfig.auto());
    }

    private SyncTrainer(JavaSparkContext sc, ModelAdapter model, TrainConfig config, FaultInjection faults,
                        StopRequest stop, StepTimePredictor stepTimes, StepTransportConfig transport) {
        this.sc = sc;
        this.model = model;
        this.config = config;
        this.faults = faults;
        this.stop = stop;
        this.stepTimes = stepTimes;
        this.transport = transport;
    }

    /** A trainer whose gradient tasks fail on purpose as {@code f} says (for fault-tolerance tests). */
    public SyncTrainer withFaultInjection(FaultInjection f) {
        return new SyncTrainer(sc, model, config, f, stop, stepTimes, transport);
    }

    /**
     * A trainer whose adaptive batch is chosen with the step times {@code times} predicts instead of this
     * run's measured ones (e.g. {@link StepTimePredictor#fixed} of a model {@code lockstep advise} fitted):
     * the chosen sizes then depend only on the seed and the gradients, so reruns, resumes and runs with any
     * P choose the same batches.
     */
    public SyncTrainer withStepTimes(StepTimePredictor times) {
        return new SyncTrainer(sc, model, config, faults, stop, java.util.Objects.requireNonNull(times, "times"), transport);
    }

    /**
     * A trainer that stops after the step during which {@code request} is made (before the first step, if
     * it already is): it then saves a checkpoint (when checkpointing) and returns
     * {@link TrainResult.Outcome#INTERRUPTED} with that step's parameters.
     */
    public SyncTrainer withStopRequest(StopRequest request) {
        return new SyncTrainer(sc, model, config, faults, java.util.Objects.requireNonNull(request, "request"), stepTimes,
                transport);
    }

    /**
     * A trainer whose steps travel over {@code t} (default: {@link StepTransportConfig#auto()}, the step channel
     * where the context can run it, else one Spark job per step; {@link TransportChoice}); the results do not
     * depend on it.
     */
    public SyncTrainer withTransport(StepTransportConfig t) {
        return new SyncTrainer(sc, model, config, faults, stop, stepTimes, java.util.Objects.requireNonNull(t, "transport"));
    }

    /** Trains on {@code train} without evaluations. */
    public TrainResult fit(ShardedDataset train, TrainListener listener) {
        return fit(train, EvalSets.none(), listener);
    }

    /**
     * Trains on {@code train}, evaluating every set of {@code evalSets} after every epoch, every
     * {@code evalEvery} steps (if set; a step is never evaluated twice) and at the end; with
     * {@code earlyStoppingPatience > 0}, stops when the epoch-end validation loss stops improving; with
     * {@code targetAccuracy > 0}, stops after the first validation evaluation that reaches it.
     *
     * @throws IllegalArgumentException if the data does not fit the model or the configuration
     */
    public TrainResult fit(ShardedDataset train, EvalSets evalSets, TrainListener listener) {
        return fit(train, evalSets, listener, Checkpointing.none());
    }

    /**
     * Like {@link #fit(ShardedDataset, EvalSets, TrainListener)}, saving checkpoints as
     * {@code checkpointing} says and, if it carries one, resuming from its checkpoint: the remaining
     * steps, metrics and result are then identical to those of an uninterrupted run.
     */
    public TrainResult fit(ShardedDataset train, EvalSets evalSets, TrainListener listener, Checkpointing checkpointing) {
        checkData(train, "training");
        checkGhostBatches(train);
        evalSets.asMap().forEach((name, data) -> checkData(data, name));
        if (config.earlyStoppingPatience() > 0 && !evalSets.has(EvalSets.VALIDATION)) {
            throw new IllegalArgumentException("early stopping needs a validation set (--validation-fraction)");
        }
        if (config.targetAccuracy() > 0 && !evalSets.has(EvalSets.VALIDATION)) {
            throw new IllegalArgumentException("targetAccuracy (" + config.targetAccuracy()
                    + ") needs a validation set (--validation-fraction)");
        }
        DriverPreflight.of(model.numParams(), train.numPartitions(), config).check(sc.getConf(),
                Runtime.getRuntime().maxMemory());
        ExecutorPreflight.of(model, config, train.placement(), train.numPartitions()).check(sc.getConf(), sc.isLocal(),
                sc.defaultParallelism(), Runtime.getRuntime().maxMemory());
        BatchPlan batches = config.batchPlan(train.size());
        RunLength length = RunLength.of(config, batches, train.size());
        LrSchedule schedule = config.schedule(length.length());
        listener.onStart(new TrainPlan(train.size(), config.globalBatch(), train.numPartitions(), config.microBatch(),
                batches.stepsPerEpoch(), length.length(), model.numParams(), config.peakLr(), schedule.describe()));

        StepBatches planned = config.stepBatches(train.size());
        BatchChooser chooser = config.adaptiveBatch() == null ? null : new BatchChooser(config.adaptiveBatch(),
                config.referenceBatch(), train.numPartitions(), stepTimes != null ? stepTimes
                        : StepTimePredictor.measured(model.numParams(), train.numPartitions()));
        DriverState state = checkpointing.resume() == null ? new DriverState(model, config, planned, chooser, listener)
                : DriverState.resume(model, config, planned, chooser, listener, checkpointing.resume());
        long step = state.nextStep();
        if (!length.inTau() && step > length.length()) {
            throw new IllegalArgumentException("the checkpoint is at step " + step + ", beyond the run's " + length.length()
                    + " total steps; give a larger total to extend the run");
        }
        try (StepTransport exchange = openTransport(train)) {
            return train(train, evalSets, checkpointing, exchange, state, length, schedule, step);
        }
    }

    private StepTransport openTransport(ShardedDataset train) {
        PartitionGradient g = new PartitionGradient(model, config.microBatch(), config.seed());
        TransportChoice choice = TransportChoice.of(sc, train.numPartitions(), transport);
        if (transport.kind() == StepTransportConfig.Kind.AUTO) {
            LOG.info("step transport {}", choice.describe());
        }
        StepTransportConfig t = choice.used();
        return t.kind() == StepTransportConfig.Kind.JOB ? new JobTransport(sc, train.shards(), g, faults)
                : ChannelTransport.open(sc, train.shards(), train.numPartitions(), g, faults, t.stepTimeout());
    }

    /** The step loop, from {@code first}; every way out returns the result (or throws). */
    private TrainResult train(ShardedDataset train, EvalSets evalSets, Checkpointing checkpointing, StepTransport exchange,
                              DriverState state, RunLength length, LrSchedule schedule, long first) {
        StepBatches steps = state.batches();
        long step = first;
        long savedAt = -1; // the step of this call's newest checkpoint
        GradientAccumulator merge = new GradientAccumulator(model.numParams()); // reset every step
        while (!length.done(step, state.tau())) {
            if (stop.isRequested()) {
                if (checkpointing.store() != null && savedAt != step) {
                    saveCheckpoint(checkpointing, state, step);
                }
                return state.result(TrainResult.Outcome.INTERRUPTED);
            }
            long start = System.nanoTime();
            int epoch = steps.epochOf(step);
            StepGradient grad = gradient(exchange, merge, train, state.params(), steps.batch(step), step);
            double lr = schedule.lr(length.schedulePosition(step, state.tau())) * state.lrFactor();
            Optional<String> diverged = state.checkDivergence(grad.meanLoss(), grad.norm());
            if (diverged.isPresent()) {
                if (!state.recover(step, epoch, grad.meanLoss(), lr, diverged.get())) {
                    return state.result(TrainResult.Outcome.DIVERGED);
                }
                step = state.resumeStep();
                continue;
            }
            state.applyUpdate(step, epoch, grad, lr, start);
            step++;
            boolean last = length.done(step, state.tau());
            boolean epochEnd = steps.endsEpoch(step - 1) || last;
            if (epochEnd || config.evalEvery() > 0 && step % config.evalEvery() == 0) {
                if (!evalSets.asMap().isEmpty()) {
                    exchange.pause(); // evaluations are Spark jobs: they need the task slots the channel holds
                }
                evaluateAll(evalSets, state, step - 1, epoch, epochEnd);
                if (state.reachedTarget(step - 1)) {
                    return state.result(TrainResult.Outcome.TARGET_REACHED);
                }
                if (epochEnd && state.shouldStopEarly()) {
                    return state.result(TrainResult.Outcome.EARLY_STOPPED);
                }
            }
            if (checkpointing.due(step, last, epochEnd)) {
                saveCheckpoint(checkpointing, state, step);
                savedAt = step;
            }
        }
        return state.result(TrainResult.Outcome.COMPLETED);
    }

    /**
     * One distributed gradient: send the parameters and shares → per-partition sums → merge in partition order →
     * divide once by B ({@code merge} is emptied first).
     */
    private StepGradient gradient(StepTransport exchange, GradientAccumulator merge, ShardedDataset train, float[] params,
                                  int[] batch, long step) {
        long t0 = System.nanoTime();
        int ghost = config.resolveGhostBatch(batch.length, model.batchDependent(), train.placement());
        StepShare[] shares = train.split(batch, ghost);
        double splitMillis = millis(t0, System.nanoTime());
        StepTransport.StepExchange ex = exchange.exchange(step, params, shares,
                "B=" + batch.length + ", P=" + train.numPartitions());
        long t2 = System.nanoTime();
        GradientAccumulator total = merge.reset();
        double slowestTask = 0;
        for (TaskResult r : ex.results()) {
            total.add(r.partial());
            slowestTask = Math.max(slowestTask, r.computeMillis());
        }
        float[] mean = total.meanGradient();
        return new StepGradient(mean, GradientClipping.norm(mean, model.layout()), total.meanLoss(), total.count(),
                total.smallBatches(), total.meanSmallBatchSqNorm(),
                new StepTimings(splitMillis + ex.sendMillis(), ex.roundTripMillis(), slowestTask, millis(t2, System.nanoTime()), 0));
    }

    private static void saveCheckpoint(Checkpointing c, DriverState state, long nextStep) {
        if (!state.paramsFinite()) {
            return; // never checkpoint NaN/Inf parameters; the next step's guard reports the divergence
        }
        try {
            c.store().save(state.export(nextStep, c.metadata()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write a checkpoint to " + c.store().location() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Evaluates every set; only epoch-end validation losses count for early stopping (its patience is in epochs). */
    private void evaluateAll(EvalSets evalSets, DriverState state, long step, int epoch, boolean epochEnd) {
        for (Map.Entry<String, ShardedDataset> e : evalSets.asMap().entrySet()) {
            state.announceEvaluation(e.getKey(), e.getValue().size(), step);
            state.recordEvaluation(evaluate(e.getKey(), e.getValue(), state.params(), step, epoch), epochEnd);
        }
    }

    /** Distributed evaluation of {@code params} on a sharded set (loss sums and correct counts). */
    public EvalMetrics evaluate(String set, ShardedDataset data, float[] params, long step, int epoch) {
        Broadcast<float[]> bc = sc.broadcast(params.clone());
        try {
            sc.setJobDescription("lockstep evaluation of " + set + " after step " + step);
            EvalSum sum = data.shards().mapPartitions(new EvalTask(model, bc)).collect().stream()
                    .reduce(EvalSum.empty(), EvalSum::merge);
            return new EvalMetrics(set, step, epoch, sum.meanLoss(), sum.accuracy(), sum.count());
        } finally {
            bc.destroy();
        }
    }

    /** The ghost-batch settings must fit the model (see {@link TrainConfig#resolveGhostBatch}). */
    private void checkGhostBatches(ShardedDataset train) {
        config.checkAdaScaleParts(model.batchDependent(), train.placement());
        int ghost = config.resolveGhostBatch(config.globalBatch(), model.batchDependent(), train.placement());
        if (model.batchNorm() && config.microBatch() > 0 && config.microBatch() < ghost) {
            throw new IllegalArgumentException("microBatch (" + config.microBatch() + ") is smaller than the ghost batch ("
                    + ghost + "), but model '" + model.name() + "' has batch normalization, whose statistics are those of"
                    + " one forward pass: set ghostBatch " + config.microBatch() + " instead of microBatch");
        }
    }

    private void checkData(ShardedDataset data, String what) {
        if (data.numFeatures() != model.numFeatures() || data.numClasses() != model.numClasses()) {
            throw new IllegalArgumentException("the " + what + " data has " + data.numFeatures() + " features and "
                    + data.numClasses() + " classes, the model expects " + model.numFeatures() + " and "
                    + model.numClasses());
        }
    }

    private static double millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e6;
    }
}
