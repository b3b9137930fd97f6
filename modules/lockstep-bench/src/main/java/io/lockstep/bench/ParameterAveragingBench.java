package io.lockstep.bench;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J Spark's {@code ParameterAveragingTrainingMaster} (PA) on the same model (DL4J's Adam, same
 * initial parameters) and the same global batches as Lockstep: P workers, {@code batchSizePerWorker
 * = B/P}, averaging every {@code f} minibatches, the updater state averaged too ({@code
 * saveUpdater}), data fed directly from an RDD in memory ({@code RDDTrainingApproach.Direct}) and
 * otherwise PA's defaults (repartitioning every split, the RDD persisted serialized).
 *
 * <p>Data: K global batches of the {@link BatchPlan} sequence (K a multiple of f), each split into P
 * {@code DataSet}s of B/P examples, so one averaging round is exactly f global batches and each
 * worker fits f minibatches of B/P in it. A measurement is one {@code fit(rdd)} call over all K
 * batches; examples/s = K·B / median fit time.
 */
final class ParameterAveragingBench implements AutoCloseable {
    private final JavaSparkContext sc;
    private final ModelAdapter model;
    private final Dataset train;
    private final double lr;
    private final long seed;
    private final int workers;
    private final Broadcast<Dataset> data;

    ParameterAveragingBench(JavaSparkContext sc, ModelAdapter model, Dataset train, double lr, long seed,
                            int workers) {
        this.sc = sc;
        this.model = model;
        this.train = train;
        this.lr = lr;
        this.seed = seed;
        this.workers = workers;
        this.data = sc.broadcast(train);
    }

    /** How many global batches one fit covers: about min(one epoch, maxBatches), a multiple of f, at least f. */
    static int batchesPerFit(int datasetSize, int batch, int averagingFrequency, int maxBatches) {
        int k = Math.min(datasetSize / batch, maxBatches);
        return averagingFrequency * Math.max(1, k / averagingFrequency);
    }

    /**
     * Runs {@code warmup + fits} {@code fit} calls of PA with averaging frequency {@code f} on
     * {@link #batchesPerFit} global batches of size {@code batch}; keeps the last {@code fits} times.
     */
    Measurement run(int batch, int f, int warmup, int fits, int maxBatches) {
        if (batch % workers != 0) {
            throw new IllegalArgumentException("PA needs B divisible by the worker count (B=" + batch + ", P="
                    + workers + ")");
        }
        int perWorker = batch / workers;
        int k = batchesPerFit(train.size(), batch, f, maxBatches);
        JavaRDD<DataSet> rdd = sc.parallelize(shares(batch, k), workers).map(new ToDataSet(data));
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, perWorker)
                .batchSizePerWorker(perWorker)
                .averagingFrequency(f)
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(seed)
                .collectTrainingStats(false)
                .build();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, Dl4jModels.network(model, lr), master);
        TimedIterations.Result r;
        try {
            r = TimedIterations.run(warmup, fits, i -> () -> spark.fit(rdd));
        } finally {
            rdd.unpersist(false);
        }
        return Measurement.of(r.millis(), (long) k * batch, spark.getScore(), r.cpu());
    }

    /** Row indices of the first {@code k} global batches, each cut into {@code workers} consecutive shares. */
    private List<int[]> shares(int batch, int k) {
        BatchPlan plan = new BatchPlan(train.size(), batch, seed);
        int per = batch / workers;
        List<int[]> out = new ArrayList<>(k * workers);
        for (int step = 0; step < k; step++) {
            int[] rows = plan.batch(step);
            for (int w = 0; w < workers; w++) {
                int[] share = new int[per];
                System.arraycopy(rows, w * per, share, 0, per);
                out.add(share);
            }
        }
        return out;
    }

    @Override
    public void close() {
        data.destroy();
    }

    /** Builds a {@code DataSet} on the executor from row indices and the broadcast training set. */
    private static final class ToDataSet implements Function<int[], DataSet> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Dataset> data;

        ToDataSet(Broadcast<Dataset> data) {
            this.data = data;
        }

        @Override
        public DataSet call(int[] rows) {
            return Dl4jModels.rows(data.value(), rows);
        }
    }
}
