package io.lockstep.bench;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Side (b): single-process plain DL4J, {@code MultiLayerNetwork.fit(DataSet)} with DL4J's own Adam
 * on every layer, from Lockstep's initial parameters, on the {@link BatchPlan} batch sequence.
 * Only the {@code fit} call is timed; batches are assembled before the clock starts.
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
        MultiLayerNetwork net = network();
        BatchPlan plan = new BatchPlan(train.size(), batch, seed);
        double[] millis = new double[steps];
        for (int step = 0; step < warmup + steps; step++) {
            DataSet ds = toDataSet(plan.batch(step));
            long start = System.nanoTime();
            net.fit(ds);
            double elapsed = (System.nanoTime() - start) / 1e6;
            if (step >= warmup) {
                millis[step - warmup] = elapsed;
            }
        }
        return new Measurement(millis, net.score());
    }

    /** The model's configuration with Adam(lr) set on each layer, holding the model's initial parameters. */
    private MultiLayerNetwork network() {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(model.configJson());
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (conf.getConf(i).getLayer() instanceof BaseLayer layer) {
                layer.setIUpdater(new Adam(lr));
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        float[] init = model.initialParams();
        net.setParams(Nd4j.create(init, new long[] {1, init.length}, 'c'));
        return net;
    }

    /** Rows {@code idx} of the training set: float32 features and one-hot labels. */
    private DataSet toDataSet(int[] idx) {
        int d = train.numFeatures();
        int c = train.numClasses();
        float[] x = new float[idx.length * d];
        float[] y = new float[idx.length * c];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(train.features(), idx[i] * d, x, i * d, d);
            y[i * c + train.labels()[idx[i]]] = 1f;
        }
        return new DataSet(Nd4j.create(x, new long[] {idx.length, d}, 'c'),
                Nd4j.create(y, new long[] {idx.length, c}, 'c'));
    }
}
