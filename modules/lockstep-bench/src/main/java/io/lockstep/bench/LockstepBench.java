package io.lockstep.bench;

import io.lockstep.config.TrainConfig;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.StepTimings;
import io.lockstep.model.ModelAdapter;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.spark.ShardedDataset;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.spark.SyncTrainer;
import io.lockstep.spark.TrainListener;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Lockstep: {@link SyncTrainer} with Adam for a fixed number of steps, timed by
 * {@code StepMetrics.stepMillis} (the driver's whole synchronized step), over the chosen step transport.
 */
final class LockstepBench {
    private final JavaSparkContext sc;
    private final ModelAdapter model;
    private final ShardedDataset train;
    private final double lr;
    private final long seed;
    private final StepTransportConfig transport;
    private Breakdown lastBreakdown;

    LockstepBench(JavaSparkContext sc, ModelAdapter model, ShardedDataset train, double lr, long seed,
                  StepTransportConfig transport) {
        this.sc = sc;
        this.transport = transport;
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
        StepRecorder recorder = new StepRecorder(warmup);
        new SyncTrainer(sc, model, config).withTransport(transport).fit(train, recorder);
        lastBreakdown = Breakdown.medianOf(recorder.timings);
        return Measurement.of(recorder.millis, batch, recorder.lastLoss, recorder.cpu.end());
    }

    /** Median per-phase times of the last {@link #run}. */
    Breakdown lastBreakdown() {
        return lastBreakdown;
    }

    /**
     * Keeps the times of the steps after the warm-up and the CPU use over them (from the end of the
     * last warm-up step to the end of the last step: the driver's step loop, not just the timed part).
     */
    private static final class StepRecorder implements TrainListener {
        private final int warmup;
        private final List<Double> millis = new ArrayList<>();
        private final List<StepTimings> timings = new ArrayList<>();
        private double lastLoss = Double.NaN;
        private CpuUse cpu;

        StepRecorder(int warmup) {
            this.warmup = warmup;
            if (warmup == 0) {
                cpu = CpuUse.started();
            }
        }

        @Override
        public void onStep(StepMetrics m) {
            if (m.step() >= warmup) {
                millis.add(m.stepMillis());
                timings.add(m.timings());
                cpu.stop();
                cpu.start();
            } else if (m.step() == warmup - 1) {
                cpu = CpuUse.started();
            }
            lastLoss = m.loss();
        }
    }
}
