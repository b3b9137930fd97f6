package io.lockstep.spark;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;

/**
 * The single-process reference: plain DL4J {@code fit} on each whole global batch, with DL4J's own
 * updater and regularization, on exactly the batch sequence Lockstep uses.
 */
final class Dl4jReference {
    private Dl4jReference() {}

    static float[] train(ModelAdapter model, Dataset data, int globalBatch, long seed, long steps,
                         IUpdater updater, double l2) {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(model.configJson());
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (conf.getConf(i).getLayer() instanceof BaseLayer layer) {
                layer.setIUpdater(updater.clone());
                if (l2 > 0) {
                    layer.setRegularization(List.of(new L2Regularization(l2)));
                }
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        float[] init = model.initialParams();
        net.setParams(Nd4j.create(init, new long[] {1, init.length}, 'c'));
        BatchPlan plan = new BatchPlan(data.size(), globalBatch, seed);
        for (long step = 0; step < steps; step++) {
            net.fit(batch(data, plan.batch(step)));
        }
        return net.params().toFloatVector();
    }

    static DataSet batch(Dataset data, int[] idx) {
        int d = data.numFeatures();
        int c = data.numClasses();
        float[] x = new float[idx.length * d];
        float[] y = new float[idx.length * c];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.features(), idx[i] * d, x, i * d, d);
            y[i * c + data.labels()[idx[i]]] = 1f;
        }
        INDArray xs = Nd4j.create(x, new long[] {idx.length, d}, 'c');
        INDArray ys = Nd4j.create(y, new long[] {idx.length, c}, 'c');
        return new DataSet(xs, ys);
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
