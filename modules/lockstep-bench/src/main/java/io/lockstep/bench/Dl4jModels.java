package io.lockstep.bench;

import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.PlainDl4j;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/** What the plain-DL4J baselines share: the same network and the same batches as Lockstep ({@link PlainDl4j}). */
final class Dl4jModels {
    private Dl4jModels() {}

    /**
     * The model's configuration with DL4J's own {@code Adam(lr)} set on each layer, holding the model's
     * initial parameters (the ones Lockstep starts from).
     */
    static MultiLayerNetwork network(ModelAdapter model, double lr) {
        return (MultiLayerNetwork) PlainDl4j.network(model, new Adam(lr), 0.0);
    }

    /** Rows {@code idx} of {@code data}: float32 features and one-hot labels. */
    static DataSet rows(Dataset data, int[] idx) {
        return PlainDl4j.batch(data, idx);
    }
}
