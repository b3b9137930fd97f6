package io.lockstep.bench;

import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** What the plain-DL4J baselines share: the same network and the same batches as Lockstep. */
final class Dl4jModels {
    private Dl4jModels() {}

    /**
     * The model's configuration with DL4J's own {@code Adam(lr)} set on each layer, holding the model's
     * initial parameters (the ones Lockstep starts from).
     */
    static MultiLayerNetwork network(ModelAdapter model, double lr) {
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

    /** Rows {@code idx} of {@code data}: float32 features and one-hot labels. */
    static DataSet rows(Dataset data, int[] idx) {
        int d = data.numFeatures();
        int c = data.numClasses();
        float[] x = new float[idx.length * d];
        float[] y = new float[idx.length * c];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.features(), idx[i] * d, x, i * d, d);
            y[i * c + data.labels()[idx[i]]] = 1f;
        }
        return new DataSet(Nd4j.create(x, new long[] {idx.length, d}, 'c'),
                Nd4j.create(y, new long[] {idx.length, c}, 'c'));
    }
}
