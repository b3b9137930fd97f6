package io.lockstep.bench;

import io.lockstep.config.TrainConfig;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.StepTimings;
import io.lockstep.model.ModelAdapter;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.spark.SyncTrainer;
import io.lockstep.spark.TrainListener;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/** Side (a): {@link SyncTrainer} with Adam for a fixed number of steps, timed by {@code StepMetrics.stepMillis}. */
final class LockstepBench {
    private final JavaSparkContext sc;
    private final ModelAdapter model;
    private final ShardedDataset train;
    private final double lr;
    private final long seed;
    private Breakdown lastBreakdown;

    LockstepBench(JavaSparkContext sc, ModelAdapter model, ShardedDataset train, double lr, long seed) {
        this.sc = sc;
        this.model = model;
        this.train = train;
        this.lr = lr;
        this.seed = seed;
    }

    /** Trains {@code warmup + steps} steps of global batch {@code batch}; keeps the last {@code steps} times. */
    Measurement run(int batch, int warmup, int steps) {
        TrainConfig config = TrainConfig.builder()
                .globalBatch(batch)
                .workers(train.numPartitions())
                .steps(warmup + steps)
                .lr(lr)
                .optimizer(OptimizerConfig.adam())
                .seed(seed)
                .build();
        List<Double> millis = new ArrayList<>();
        List<StepTimings> timings = new ArrayList<>();
        double[] lastLoss = {Double.NaN};
        new SyncTrainer(sc, model, config).fit(train, new TrainListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() >= warmup) {
                    millis.add(m.stepMillis());
                    timings.add(m.timings());
                }
                lastLoss[0] = m.loss();
            }
        });
        lastBreakdown = Breakdown.medianOf(timings);
        return Measurement.of(millis, lastLoss[0]);
    }

    /** Median per-phase times of the last {@link #run}. */
    Breakdown lastBreakdown() {
        return lastBreakdown;
    }
}
