package io.lockstep.spark;

import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.grad.EvalSum;
import io.lockstep.grad.GradientAccumulator;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.StepTimings;
import io.lockstep.metrics.TrainPlan;
import io.lockstep.model.ModelAdapter;
import io.lockstep.optim.ParameterUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Exact synchronous data-parallel training. Each step: the driver picks the global batch (from
 * {@link BatchPlan}, independent of the worker count), broadcasts the parameters and each
 * partition's share of the batch, every partition returns its gradient <b>sum</b>, the driver adds
 * the partials in partition order, divides once by B, applies one optimizer update and destroys the
 * broadcast. The result equals single-process training on the same global batches, for any P.
 *
 * <p>The trainer knows nothing about files or the command line: results go to a
 * {@link TrainListener} and the returned {@link TrainResult}.
 */
public final class SyncTrainer {
    private final JavaSparkContext sc;
    private final ModelAdapter model;
    private final TrainConfig config;

    public SyncTrainer(JavaSparkContext sc, ModelAdapter model, TrainConfig config) {
        this.sc = sc;
        this.model = model;
        this.config = config;
    }

    /**
     * Trains on {@code train}, evaluating on {@code test} (may be null) after every epoch and at the end.
     *
     * @throws IllegalArgumentException if the data does not fit the model or the configuration
     */
    public TrainResult fit(ShardedDataset train, ShardedDataset test, TrainListener listener) {
        checkData(train, "training");
        if (test != null) {
            checkData(test, "test");
        }
        BatchPlan batches = new BatchPlan(train.size(), config.globalBatch(), config.seed());
        long totalSteps = config.totalSteps(batches.stepsPerEpoch());
        listener.onStart(new TrainPlan(train.size(), test == null ? 0 : test.size(), config.globalBatch(),
                train.numPartitions(), batches.stepsPerEpoch(), totalSteps, model.numParams()));

        float[] params = model.initialParams();
        ParameterUpdate update = new ParameterUpdate(config.optimizer(), model.layout());
        List<EvalMetrics> evaluations = new ArrayList<>();
        for (long step = 0; step < totalSteps; step++) {
            long start = System.nanoTime();
            StepGradient grad = gradient(train, params, batches.batch(step), step);
            long updateStart = System.nanoTime();
            update.apply(params, grad.mean(), config.lr(), step);
            long end = System.nanoTime();
            int epoch = batches.epochOf(step);
            listener.onStep(new StepMetrics(step, epoch, (step + 1) * config.globalBatch(), grad.meanLoss(),
                    config.lr(), norm(grad.mean()), millis(start, end), grad.timings(millis(updateStart, end))));
            boolean epochEnd = (step + 1) % batches.stepsPerEpoch() == 0;
            if (test != null && (epochEnd || step == totalSteps - 1)) {
                EvalMetrics eval = evaluate(test, params, step, epoch);
                evaluations.add(eval);
                listener.onEval(eval);
            }
        }
        return new TrainResult(params, totalSteps, evaluations);
    }

    /**
     * One distributed gradient: broadcast → per-partition sums → merge in partition order → divide
     * once by B → destroy the broadcast.
     */
    private StepGradient gradient(ShardedDataset train, float[] params, int[] batch, long step) {
        long t0 = System.nanoTime();
        Broadcast<StepInput> input = sc.broadcast(new StepInput(params.clone(), train.split(batch)));
        long t1 = System.nanoTime();
        try {
            sc.setJobDescription("lockstep step " + step + " (B=" + batch.length + ", P=" + train.numPartitions() + ")");
            List<TaskResult> results = train.shards().mapPartitions(new GradientTask(model, input)).collect();
            long t2 = System.nanoTime();
            GradientAccumulator total = new GradientAccumulator(model.numParams());
            double slowestTask = 0;
            for (TaskResult r : results) {
                total.add(r.partial());
                slowestTask = Math.max(slowestTask, r.computeMillis());
            }
            float[] mean = total.meanGradient();
            return new StepGradient(mean, total.meanLoss(), millis(t0, t1), millis(t1, t2), slowestTask,
                    millis(t2, System.nanoTime()));
        } finally {
            input.destroy();
        }
    }

    /** The averaged gradient of one step and the time its phases took. */
    private record StepGradient(float[] mean, double meanLoss, double broadcastMillis, double jobMillis,
                                double slowestTaskMillis, double aggregateMillis) {
        StepTimings timings(double updateMillis) {
            return new StepTimings(broadcastMillis, jobMillis, slowestTaskMillis, aggregateMillis, updateMillis);
        }
    }

    private static double millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e6;
    }

    /** Distributed evaluation of {@code params} on a sharded set (loss sums and correct counts). */
    public EvalMetrics evaluate(ShardedDataset data, float[] params, long step, int epoch) {
        Broadcast<float[]> bc = sc.broadcast(params.clone());
        try {
            sc.setJobDescription("lockstep evaluation after step " + step);
            EvalSum sum = data.shards().mapPartitions(new EvalTask(model, bc)).collect().stream()
                    .reduce(EvalSum.empty(), EvalSum::merge);
            return new EvalMetrics(step, epoch, sum.meanLoss(), sum.accuracy(), sum.count());
        } finally {
            bc.destroy();
        }
    }

    private void checkData(ShardedDataset data, String what) {
        if (data.numFeatures() != model.numFeatures() || data.numClasses() != model.numClasses()) {
            throw new IllegalArgumentException("the " + what + " data has " + data.numFeatures() + " features and "
                    + data.numClasses() + " classes, the model expects " + model.numFeatures() + " and "
                    + model.numClasses());
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
