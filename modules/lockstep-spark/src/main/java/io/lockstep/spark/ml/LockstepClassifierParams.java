package io.lockstep.spark.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;

/**
 * The Spark ML {@code Params} of {@link LockstepClassifier}, with the defaults of {@code lockstep train}.
 * No Param validates on {@code set}: {@link LockstepClassifier#fit} validates them all at once through
 * {@link io.lockstep.config.TrainConfig} and fails with one message naming the Param.
 */
public abstract class LockstepClassifierParams extends Estimator<LockstepClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ColumnParams columns;
    private final Param<String> labelCol;
    private final IntParam numClasses;
    private final Param<String> model;
    private final IntParam globalBatch;
    private final IntParam maxBatch;
    private final IntParam adaptEvery;
    private final IntParam workers;
    private final IntParam epochs;
    private final LongParam steps;
    private final Param<String> optimizer;
    private final DoubleParam lr;
    private final DoubleParam momentum;
    private final DoubleParam l2;
    private final DoubleParam weightDecay;
    private final Param<String> lrScaling;
    private final IntParam referenceBatch;
    private final Param<String> schedule;
    private final Param<String> warmup;
    private final LongParam warmupSteps;
    private final IntParam ghostBatch;
    private final IntParam microBatch;
    private final Param<String> dataPlacement;
    private final LongParam seed;
    private final DoubleParam validationFraction;
    private final BooleanParam evalTrain;
    private final Param<String> onDivergence;
    private final DoubleParam divergenceFactor;
    private final IntParam maxRollbacks;
    private final DoubleParam rollbackLrFactor;
    private final Param<String> checkpointDir;
    private final LongParam checkpointEvery;
    private final IntParam keepCheckpoints;
    private final BooleanParam resume;
    private final Param<String> stepTransport;
    private final LongParam stepTimeout;

    protected LockstepClassifierParams(String uid) {
        this.uid = uid;
        columns = new ColumnParams(this);
        labelCol = new Param<>(this, "labelCol", "label column: class indices in [0, numClasses) of any numeric type"
                + " (e.g. StringIndexer's double output)");
        numClasses = new IntParam(this, "numClasses", "number of classes; 0 = from the label column's metadata"
                + " (StringIndexer), else the largest label + 1");
        model = new Param<>(this, "model", "a built-in model (mlp, mlp-bn, lenet, resnet) or a DL4J"
                + " MultiLayerConfiguration / ComputationGraphConfiguration as JSON text");
        globalBatch = new IntParam(this, "globalBatch", "examples per synchronized step, over all workers (B >= workers)");
        workers = new IntParam(this, "workers", "gradient tasks per step P; 0 = Spark's default parallelism");
        epochs = new IntParam(this, "epochs", "epochs to train (unless steps is set)");
        steps = new LongParam(this, "steps", "steps to train instead of epochs; 0 = use epochs");
        optimizer = new Param<>(this, "optimizer", "sgd, nesterov, adam, lars or lamb");
        lr = new DoubleParam(this, "lr", "learning rate, tuned at referenceBatch");
        momentum = new DoubleParam(this, "momentum", "momentum of nesterov and lars");
        l2 = new DoubleParam(this, "l2", "L2 on weights, applied once on the driver");
        weightDecay = new DoubleParam(this, "weightDecay", "weight decay on weights, applied once on the driver");
        maxBatch = new IntParam(this, "maxBatch", "0 = a fixed globalBatch; > 0: the global batch is chosen every"
                + " adaptEvery steps in [globalBatch, maxBatch] for the highest goodput, the lr following AdaScale"
                + " (lrScaling adascale), as lockstep train --global-batch adaptive");
        adaptEvery = new IntParam(this, "adaptEvery", "with maxBatch: steps between batch choices");
        lrScaling = new Param<>(this, "lrScaling", "none, linear, sqrt (scale lr from referenceBatch to globalBatch) or adascale (lr times the measured gain ratio)");
        referenceBatch = new IntParam(this, "referenceBatch", "the batch lr was tuned at; 0 = globalBatch");
        schedule = new Param<>(this, "schedule", "after warmup: constant, step, cosine or poly");
        warmup = new Param<>(this, "warmup", "none, gradual or constant; empty = gradual if warmupSteps > 0, else none");
        warmupSteps = new LongParam(this, "warmupSteps", "warmup length in steps");
        ghostBatch = new IntParam(this, "ghostBatch", "examples per forward/backward pass; 0 = automatic");
        microBatch = new IntParam(this, "microBatch", "gradient accumulation in passes of at most this many examples; 0 = off");
        dataPlacement = new Param<>(this, "dataPlacement", "replicated or sharded training data");
        seed = new LongParam(this, "seed", "seed of initialization, data order and the validation split");
        validationFraction = new DoubleParam(this, "validationFraction", "held-out fraction evaluated every epoch, in [0, 1)");
        evalTrain = new BooleanParam(this, "evalTrain", "also evaluate the training set after every epoch");
        onDivergence = new Param<>(this, "onDivergence", "halt or rollback (as lockstep train --on-divergence). halt:"
                + " fit stops at the first diverged step and returns the model with the last good parameters (a WARN"
                + " line; history().outcome() is DIVERGED); rollback: restore the last good state, multiply the lr by"
                + " rollbackLrFactor and continue, at most maxRollbacks times, then halt as above");
        divergenceFactor = new DoubleParam(this, "divergenceFactor", "a step diverges when its loss or gradient is"
                + " NaN/Inf, or its loss exceeds this many times the lowest smoothed loss (and the first step's), > 1;"
                + " Infinity = NaN/Inf only");
        maxRollbacks = new IntParam(this, "maxRollbacks", "with onDivergence rollback: rollbacks allowed before halting");
        rollbackLrFactor = new DoubleParam(this, "rollbackLrFactor", "with onDivergence rollback: lr factor applied at"
                + " each rollback, in (0, 1)");
        checkpointDir = new Param<>(this, "checkpointDir", "Hadoop URI for checkpoints; empty = none");
        checkpointEvery = new LongParam(this, "checkpointEvery", "checkpoint every N steps (and at the end); 0 = at the end");
        keepCheckpoints = new IntParam(this, "keepCheckpoints", "how many of the newest checkpoints to keep (>= 1), so"
                + " a resume can fall back to an older one when the newest fails verification");
        resume = new BooleanParam(this, "resume", "continue from the newest complete checkpoint in checkpointDir");
        stepTransport = new Param<>(this, "stepTransport", "how each step reaches the workers (as lockstep train"
                + " --step-transport): job = one Spark job per step; channel = one long-running Spark job whose tasks"
                + " exchange every step with the driver over Spark's network transport; auto (default) = channel where"
                + " the Spark context can run it, else job; the results are identical");
        stepTimeout = new LongParam(this, "stepTimeout", "with stepTransport channel or auto: seconds one step over"
                + " the channel may take before fit fails; 0 = the default (600)");

        setDefault(labelCol, "label");
        setDefault(numClasses, 0);
        setDefault(model, "mlp");
        setDefault(globalBatch, 128);
        setDefault(maxBatch, 0);
        setDefault(adaptEvery, io.lockstep.adaptive.AdaptiveBatchConfig.DEFAULT_EVERY);
        setDefault(workers, 0);
        setDefault(epochs, 5);
        setDefault(steps, 0L);
        setDefault(optimizer, "adam");
        setDefault(lr, 1e-3);
        setDefault(momentum, 0.9);
        setDefault(l2, 0.0);
        setDefault(weightDecay, 0.0);
        setDefault(lrScaling, "none");
        setDefault(referenceBatch, 0);
        setDefault(schedule, "constant");
        setDefault(warmup, "");
        setDefault(warmupSteps, 0L);
        setDefault(ghostBatch, 0);
        setDefault(microBatch, 0);
        setDefault(dataPlacement, "replicated");
        setDefault(seed, 42L);
        setDefault(validationFraction, 0.0);
        setDefault(evalTrain, true);
        setDefault(onDivergence, "halt");
        setDefault(divergenceFactor, 3.0);
        setDefault(maxRollbacks, 3);
        setDefault(rollbackLrFactor, 0.5);
        setDefault(checkpointDir, "");
        setDefault(checkpointEvery, 0L);
        setDefault(keepCheckpoints, io.lockstep.run.OutputSpec.DEFAULT_KEEP_CHECKPOINTS);
        setDefault(resume, false);
        setDefault(stepTransport, "auto");
        setDefault(stepTimeout, 0L);
    }

    @Override
    public String uid() { return uid; }

    ColumnParams columns() { return columns; }

    public Param<String> featuresCol() { return columns.featuresCol; }
    public Param<String> predictionCol() { return columns.predictionCol; }
    public Param<String> probabilityCol() { return columns.probabilityCol; }
    public Param<String> rawPredictionCol() { return columns.rawPredictionCol; }
    public IntParam scoreBatch() { return columns.scoreBatch; }
    public Param<String> labelCol() { return labelCol; }
    public IntParam numClasses() { return numClasses; }
    public Param<String> model() { return model; }
    public IntParam globalBatch() { return globalBatch; }
    public IntParam workers() { return workers; }
    public IntParam epochs() { return epochs; }
    public LongParam steps() { return steps; }
    public Param<String> optimizer() { return optimizer; }
    public DoubleParam lr() { return lr; }
    public DoubleParam momentum() { return momentum; }
    public DoubleParam l2() { return l2; }
    public DoubleParam weightDecay() { return weightDecay; }
    public Param<String> lrScaling() { return lrScaling; }
    public IntParam referenceBatch() { return referenceBatch; }
    public Param<String> schedule() { return schedule; }
    public Param<String> warmup() { return warmup; }
    public LongParam warmupSteps() { return warmupSteps; }
    public IntParam ghostBatch() { return ghostBatch; }
    public IntParam microBatch() { return microBatch; }
    public Param<String> dataPlacement() { return dataPlacement; }
    public LongParam seed() { return seed; }
    public DoubleParam validationFraction() { return validationFraction; }
    public BooleanParam evalTrain() { return evalTrain; }
    public Param<String> onDivergence() { return onDivergence; }
    public DoubleParam divergenceFactor() { return divergenceFactor; }
    public IntParam maxRollbacks() { return maxRollbacks; }
    public DoubleParam rollbackLrFactor() { return rollbackLrFactor; }
    public Param<String> checkpointDir() { return checkpointDir; }
    public LongParam checkpointEvery() { return checkpointEvery; }
    public IntParam keepCheckpoints() { return keepCheckpoints; }
    public IntParam maxBatch() { return maxBatch; }
    public IntParam adaptEvery() { return adaptEvery; }
    public BooleanParam resume() { return resume; }
    public Param<String> stepTransport() { return stepTransport; }
    public LongParam stepTimeout() { return stepTimeout; }

    public String getFeaturesCol() { return getOrDefault(featuresCol()); }
    public String getLabelCol() { return getOrDefault(labelCol); }
    public int getNumClasses() { return (Integer) getOrDefault(numClasses); }
    public String getModel() { return getOrDefault(model); }
    public int getGlobalBatch() { return (Integer) getOrDefault(globalBatch); }
    public int getWorkers() { return (Integer) getOrDefault(workers); }
    public int getEpochs() { return (Integer) getOrDefault(epochs); }
    public long getSteps() { return (Long) getOrDefault(steps); }
    public String getOptimizer() { return getOrDefault(optimizer); }
    public double getLr() { return (Double) getOrDefault(lr); }
    public double getMomentum() { return (Double) getOrDefault(momentum); }
    public double getL2() { return (Double) getOrDefault(l2); }
    public double getWeightDecay() { return (Double) getOrDefault(weightDecay); }
    public String getLrScaling() { return getOrDefault(lrScaling); }
    public int getReferenceBatch() { return (Integer) getOrDefault(referenceBatch); }
    public String getSchedule() { return getOrDefault(schedule); }
    public String getWarmup() { return getOrDefault(warmup); }
    public long getWarmupSteps() { return (Long) getOrDefault(warmupSteps); }
    public int getGhostBatch() { return (Integer) getOrDefault(ghostBatch); }
    public int getMicroBatch() { return (Integer) getOrDefault(microBatch); }
    public String getDataPlacement() { return getOrDefault(dataPlacement); }
    public long getSeed() { return (Long) getOrDefault(seed); }
    public double getValidationFraction() { return (Double) getOrDefault(validationFraction); }
    public boolean getEvalTrain() { return (Boolean) getOrDefault(evalTrain); }
    public String getOnDivergence() { return getOrDefault(onDivergence); }
    public double getDivergenceFactor() { return (Double) getOrDefault(divergenceFactor); }
    public int getMaxRollbacks() { return (Integer) getOrDefault(maxRollbacks); }
    public double getRollbackLrFactor() { return (Double) getOrDefault(rollbackLrFactor); }
    public String getCheckpointDir() { return getOrDefault(checkpointDir); }
    public long getCheckpointEvery() { return (Long) getOrDefault(checkpointEvery); }
    public int getKeepCheckpoints() { return (Integer) getOrDefault(keepCheckpoints); }
    public int getMaxBatch() { return (Integer) getOrDefault(maxBatch); }
    public int getAdaptEvery() { return (Integer) getOrDefault(adaptEvery); }
    public boolean getResume() { return (Boolean) getOrDefault(resume); }
    public String getStepTransport() { return getOrDefault(stepTransport); }
    public long getStepTimeout() { return (Long) getOrDefault(stepTimeout); }
}
