package io.lockstep.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** {@link Network} over a {@code MultiLayerNetwork}. */
final class MultiLayerNetworkAdapter implements Network {
    private final MultiLayerNetwork net;

    MultiLayerNetworkAdapter(MultiLayerNetwork net) {
        this.net = net;
    }

    @Override public INDArray params() { return net.params(); }
    @Override public INDArray gradients() { return net.getGradientsViewArray(); }

    @Override
    public void computeGradient(INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
    }

    @Override public double score() { return net.score(); }
    @Override public INDArray output(INDArray x) { return net.output(x, false); }
    @Override public double score(INDArray x, INDArray y) { return net.score(new DataSet(x, y), false); }
    @Override public void clear() { net.clear(); }
    @Override public Model dl4j() { return net; }

    @Override
    public List<Slot> slots() {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            for (Map.Entry<String, INDArray> e : layer.paramTable(false).entrySet()) {
                slots.add(new Slot(String.valueOf(i), e.getKey(), e.getValue(), layer, layer));
            }
        }
        return slots;
    }
}
