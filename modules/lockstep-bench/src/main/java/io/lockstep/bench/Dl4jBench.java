package io.lockstep.bench;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Single-process plain DL4J: {@code MultiLayerNetwork.fit(DataSet)} with DL4J's own Adam on every
 * layer, from Lockstep's initial parameters, on the {@link BatchPlan} batch sequence. Only the
 * {@code fit} call is timed; batches are assembled before the clock starts. Runs with whatever
 * thread count ND4J has ({@link io.lockstep.model.BlasThreads}); the CPU use of the measured fits is recorded.
 */
final class Dl4jBench {
    private final ModelAdapter model;
    private final Dataset train;
    private final double lr;
    private final long seed;

    Dl4jBench(ModelAdapter model, Dataset train, double lr, long seed) {
        this.model = model;
        this.train = train;
        this.lr = lr;
        this.seed = seed;
    }

    /** Fits {@code warmup + steps} batches of size {@code batch}; keeps the last {@code steps} times. */
    Measurement run(int batch, int warmup, int steps) {
        MultiLayerNetwork net = Dl4jModels.network(model, lr);
        BatchPlan plan = new BatchPlan(train.size(), batch, seed);
        TimedIterations.Result r = TimedIterations.run(warmup, steps, step -> {
            DataSet ds = Dl4jModels.rows(train, plan.batch(step));
            return () -> net.fit(ds);
        });
        return Measurement.of(r.millis(), batch, net.score(), r.cpu());
    }
}
