package io.lockstep.spark;

import io.lockstep.adaptive.AdaScale;
import io.lockstep.adaptive.AdaptiveBatchPlan;
import io.lockstep.adaptive.BatchChooser;
import io.lockstep.adaptive.Goodput;
import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.StepBatches;
import io.lockstep.metrics.BatchChoice;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.StepTimings;
import io.lockstep.metrics.TargetReached;
import io.lockstep.model.ModelAdapter;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.perf.StepSample;
import io.lockstep.optim.ParameterUpdate;
import io.lockstep.train.DivergenceGuard;
import io.lockstep.train.EarlyStopping;
import io.lockstep.train.GradientClipping;
import io.lockstep.train.TrainingCheckpoint;
import io.lockstep.train.UpdateRatios;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the driver keeps between steps: parameters, optimizer state, noise-scale EMAs, the
 * divergence guard, the last good state to roll back to, evaluations, early-stopping and target bookkeeping,
 * and — for an adaptive batch — the batch sizes so far and the next one ({@link AdaptiveBatchPlan}).
 * Executors never see any of it except the parameters, which are broadcast per step.
 */
final class DriverState {
    private final ModelAdapter model;
    private final TrainConfig config;
    private final StepBatches plan;
    /** The plan again when the batch is adaptive, else null; with its chooser. */
    private final AdaptiveBatchPlan adaptivePlan;
    private final BatchChooser chooser;
    private final TrainListener listener;
    private final ParameterUpdate update;
    private final EarlyStopping stopping;
    private final List<EvalMetrics> evaluations = new ArrayList<>();
    private final List<DivergenceEvent> divergences = new ArrayList<>();

    private float[] params;
    private NoiseScaleEstimator noise;
    private AdaScale adaScale;
    private DivergenceGuard guard;
    private double lrFactor = 1.0;
    private int rollbacks;
    private long stepsApplied;
    private float[] bestParams;
    private Snapshot lastGood;
    private EvalMetrics lastValidation;
    private TargetReached targetReached;
    private final long startNanos = System.nanoTime();

    /** State before the update of {@code step}, whose loss was accepted. */
    private record Snapshot(long step, float[] params, ParameterUpdate.Snapshot optimizer, NoiseScaleEstimator noise,
                            DivergenceGuard guard, AdaScale.State adaScale) {}

    /**
     * A fresh run on {@code plan}; {@code chooser} chooses the batch when {@code plan} is adaptive (else
     * null).
     */
    DriverState(ModelAdapter model, TrainConfig config, StepBatches plan, BatchChooser chooser, TrainListener listener) {
        this.model = model;
        this.config = config;
        this.plan = plan;
        this.adaptivePlan = plan instanceof AdaptiveBatchPlan a ? a : null;
        if ((adaptivePlan == null) != (chooser == null)) {
            throw new IllegalArgumentException("an adaptive batch plan needs a batch chooser, and only it");
        }
        this.chooser = chooser;
        this.listener = listener;
        this.update = new ParameterUpdate(config.optimizer(), model.layout());
        this.stopping = new EarlyStopping(config.earlyStoppingPatience());
        this.params = model.initialParams();
        this.noise = new NoiseScaleEstimator(config.noiseEmaDecay());
        this.adaScale = config.adaScale() ? new AdaScale(config.referenceBatch()) : null;
        this.guard = DivergenceGuard.start(config.divergence());
        this.lastGood = snapshot(0);
    }

    /** Restores a checkpointed run's state; training continues at {@code checkpoint.nextStep()}. */
    static DriverState resume(ModelAdapter model, TrainConfig config, StepBatches plan, BatchChooser chooser,
                              TrainListener listener, TrainingCheckpoint c) {
        if ((config.adaptiveBatch() != null) != (c.batchHistory() != null)) {
            throw new IllegalArgumentException("the checkpoint was written " + (c.batchHistory() != null ? "with" : "without")
                    + " an adaptive global batch, the run is configured " + (config.adaptiveBatch() != null ? "with" : "without")
                    + " one");
        }
        StepBatches p = c.batchHistory() == null ? plan
                : AdaptiveBatchPlan.replay(((AdaptiveBatchPlan) plan).trainSize(), config.seed(), c.batchHistory());
        if (p instanceof AdaptiveBatchPlan a && a.definedSteps() != c.nextStep() + 1) {
            throw new IllegalArgumentException("the checkpoint's batch history covers " + a.definedSteps()
                    + " steps, expected " + (c.nextStep() + 1));
        }
        DriverState s = new DriverState(model, config, p, chooser, listener);
        if (c.params().length != model.numParams()) {
            throw new IllegalArgumentException("checkpoint has " + c.params().length + " parameters, the model has "
                    + model.numParams());
        }
        s.params = c.params().clone();
        s.update.restore(c.optimizer());
        s.noise = NoiseScaleEstimator.fromState(c.noise());
        if (config.adaScale() != (c.adaScale() != null)) {
            throw new IllegalArgumentException("the checkpoint was written " + (c.adaScale() != null ? "with" : "without")
                    + " lrScaling adascale, the run is configured " + (config.adaScale() ? "with" : "without") + " it");
        }
        s.adaScale = c.adaScale() == null ? null : AdaScale.fromState(c.adaScale());
        s.guard = c.guard();
        s.lrFactor = c.lrFactor();
        s.rollbacks = c.rollbacks();
        s.stopping.restore(c.bestLoss(), c.sinceBest());
        s.bestParams = c.bestParams() == null ? null : c.bestParams().clone();
        s.stepsApplied = c.nextStep();
        TrainingCheckpoint.LastGood g = c.lastGood();
        boolean full = config.divergence().policy() == DivergenceConfig.Policy.ROLLBACK;
        s.lastGood = g == null || (full && g.optimizer() == null) ? s.snapshot(c.nextStep())
                : new Snapshot(g.step(), g.params().clone(), full ? g.optimizer() : null,
                        full ? NoiseScaleEstimator.fromState(g.noise()) : null, g.guard(), full ? g.adaScale() : null);
        return s;
    }

    /** Everything needed to continue at {@code nextStep} exactly as if the run had never stopped. */
    TrainingCheckpoint export(long nextStep, Map<String, String> metadata) {
        return new TrainingCheckpoint(nextStep, params.clone(), update.snapshot(), noise.state(), guard, lrFactor,
                rollbacks, stopping.best(), stopping.sinceBest(), bestParams == null ? null : bestParams.clone(),
                metadata, new TrainingCheckpoint.LastGood(lastGood.step(), lastGood.params().clone(), lastGood.optimizer(),
                        lastGood.noise() == null ? null : lastGood.noise().state(), lastGood.guard(), lastGood.adaScale()),
                adaScale == null ? null : adaScale.state(), adaptivePlan == null ? null : adaptivePlan.history());
    }

    /** The batches of the run (for an adaptive batch: those chosen so far and the next). */
    StepBatches batches() {
        return plan;
    }

    /** AdaScale's τ: base iterations done so far (0 without AdaScale). */
    double tau() {
        return adaScale == null ? 0 : adaScale.tau();
    }

    /** The step the next update will be (after a resume, the checkpoint's step). */
    long nextStep() {
        return stepsApplied;
    }

    /** True when every parameter is finite (a checkpoint is never written otherwise). */
    boolean paramsFinite() {
        for (float p : params) {
            if (!Float.isFinite(p)) {
                return false;
            }
        }
        return true;
    }

    float[] params() {
        return params;
    }

    double lrFactor() {
        return lrFactor;
    }

    Optional<String> checkDivergence(double loss, double gradNorm) {
        return guard.check(loss, gradNorm);
    }

    /**
     * Handles a diverged step: rolls back to the last good state with a smaller learning rate and
     * returns true, or — when halting — restores the last good parameters and returns false.
     */
    boolean recover(long step, int epoch, double loss, double lr, String reason) {
        DivergenceConfig d = config.divergence();
        boolean rollback = d.policy() == DivergenceConfig.Policy.ROLLBACK && rollbacks < d.maxRollbacks();
        if (rollback) {
            rollbacks++;
            lrFactor *= d.lrBackoff();
        }
        DivergenceEvent event = new DivergenceEvent(step, epoch, loss, lr, plan.batchSize(step), reason,
                rollback ? "rollback" : "halt", lastGood.step(), lrFactor);
        divergences.add(event);
        listener.onDivergence(event);
        restore(lastGood);
        return rollback;
    }

    /** The step to continue from after a rollback. */
    long resumeStep() {
        return lastGood.step();
    }

    /**
     * Accepts the step's loss, clips, applies the one optimizer update and reports the step's metrics. With
     * AdaScale the rate applied is {@code scheduledLr} times the step's gain ratio, and τ advances by the gain.
     */
    void applyUpdate(long step, int epoch, StepGradient grad, double scheduledLr, long startNanos) {
        lastGood = snapshot(step); // before this step's estimates: a rollback re-runs the step from here
        NoiseScaleEstimator.Estimate estimate = noise.observe(grad.count(), grad.norm() * grad.norm(),
                grad.smallBatches(), grad.meanSmallBatchSqNorm());
        AdaScale.Gain gain = adaScale == null ? null : adaScaleGain(grad, estimate);
        double lr = gain == null ? scheduledLr : scheduledLr * gain.gain();
        guard = guard.accept(grad.meanLoss());
        boolean clipped = GradientClipping.clip(grad.mean(), model.layout(), grad.norm(), config.clipNorm());
        long t0 = System.nanoTime();
        update.apply(params, grad.mean(), lr, step);
        double updateMillis = (System.nanoTime() - t0) / 1e6;
        if (gain != null) {
            adaScale.advance(gain.gain());
        }
        StepTimings t = grad.timings();
        StepMetrics.Stats stats = new StepMetrics.Stats(grad.meanLoss(), lr, grad.norm(), clipped,
                UpdateRatios.of(model.layout(), lastGood.params(), update.lastUpdate()), estimate, gain);
        StepTimings timings = new StepTimings(t.broadcastMillis(), t.jobMillis(), t.slowestTaskMillis(),
                t.aggregateMillis(), updateMillis);
        double stepMillis = (System.nanoTime() - startNanos) / 1e6;
        int batch = plan.batchSize(step);
        listener.onStep(new StepMetrics(step, epoch, plan.examplesThrough(step), batch, stats, stepMillis, timings));
        stepsApplied = step + 1;
        if (adaptivePlan != null) {
            chooser.times().observe(batch, new StepSample(step, stepMillis, timings, estimate.bSimple()));
            chooseNextBatch(step, batch, gain);
        }
    }

    /** Defines the batch of step {@code step + 1}: the chooser's, when a choice is due, else the same. */
    private void chooseNextBatch(long step, int batch, AdaScale.Gain gain) {
        Optional<Goodput.Choice> choice = chooser.afterStep(step, gain);
        adaptivePlan.define(step + 1, choice.map(Goodput.Choice::batch).orElse(batch));
        choice.ifPresent(c -> listener.onBatchChoice(new BatchChoice(step, batch, c.batch(), c.goodput(), c.efficiency(),
                c.stepMillis())));
    }

    private AdaScale.Gain adaScaleGain(StepGradient grad, NoiseScaleEstimator.Estimate estimate) {
        if (grad.smallBatches() < 2) {
            throw new IllegalArgumentException("lrScaling adascale needs at least two parts per step to measure the"
                    + " gradient variance, but step " + stepsApplied + " had " + grad.smallBatches()
                    + ": use workers >= 2, a ghostBatch or a microBatch below the global batch");
        }
        return adaScale.observe(Math.toIntExact(grad.count()), estimate);
    }

    /** Tells the listener that an evaluation of {@code examples} examples of {@code set} starts. */
    void announceEvaluation(String set, int examples, long step) {
        listener.onEvalStart(set, examples, step);
    }

    /** Records an evaluation; an epoch-end validation loss also feeds early stopping and the best model. */
    void recordEvaluation(EvalMetrics e, boolean epochEnd) {
        evaluations.add(e);
        listener.onEval(e);
        if (!e.set().equals(EvalSets.VALIDATION)) {
            return;
        }
        lastValidation = e;
        if (epochEnd && stopping.observe(e.loss())) {
            bestParams = params.clone();
        }
    }

    /**
     * True (once, reporting it to the listener) when the validation evaluation after {@code step}
     * reached the target accuracy.
     */
    boolean reachedTarget(long step) {
        double target = config.targetAccuracy();
        if (target <= 0 || targetReached != null || lastValidation == null || lastValidation.step() != step
                || !(lastValidation.accuracy() >= target)) {
            return false;
        }
        targetReached = new TargetReached(step, step + 1, plan.examplesThrough(step), lastValidation.accuracy(),
                target, (System.nanoTime() - startNanos) / 1e9);
        listener.onTargetReached(targetReached);
        return true;
    }

    boolean shouldStopEarly() {
        return stopping.shouldStop();
    }

    TrainResult result(TrainResult.Outcome outcome) {
        return new TrainResult(params.clone(), bestParams, stepsApplied, outcome, evaluations, divergences, targetReached);
    }

    private Snapshot snapshot(long step) {
        boolean full = config.divergence().policy() == DivergenceConfig.Policy.ROLLBACK;
        return new Snapshot(step, params.clone(), full ? update.snapshot() : null, full ? noise.copy() : null, guard,
                full && adaScale != null ? adaScale.state() : null);
    }

    private void restore(Snapshot s) {
        params = s.params().clone();
        if (adaptivePlan != null) {
            adaptivePlan.truncate(s.step());
        }
        if (s.optimizer() != null) {
            update.restore(s.optimizer());
            noise = s.noise().copy();
            adaScale = s.adaScale() == null ? adaScale : AdaScale.fromState(s.adaScale());
        }
        guard = s.guard();
        stepsApplied = s.step();
    }
}
