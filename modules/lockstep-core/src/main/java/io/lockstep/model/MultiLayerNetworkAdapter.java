package io.lockstep.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;

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

    @Override
    public Inference infer(INDArray x, INDArray y) {
        int n = net.getnLayers();
        List<INDArray> acts = net.feedForwardToLayer(n - 1, x, false); // the input, then every layer's activation
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray in = acts.get(n - 1);
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(n - 1);
        if (pre != null) {
            in = pre.preProcess(in, (int) x.size(0), mgr);
        }
        IOutputLayer out = (IOutputLayer) net.getOutputLayer();
        out.setInput(in, mgr);
        out.setLabels(y);
        double loss = out.computeScore(net.calcRegularizationScore(true), false, mgr);
        return new Inference(acts.get(n), loss);
    }

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
