package io.lockstep.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;

/** {@link Network} over a {@code ComputationGraph} with one input and one output. */
final class ComputationGraphAdapter implements Network {
    private final ComputationGraph graph;

    ComputationGraphAdapter(ComputationGraph graph) {
        this.graph = graph;
    }

    @Override public INDArray params() { return graph.params(); }
    @Override public INDArray gradients() { return graph.getGradientsViewArray(); }

    @Override
    public void computeGradient(INDArray x, INDArray y) {
        graph.setInputs(x);
        graph.setLabels(y);
        graph.computeGradientAndScore();
    }

    @Override public double score() { return graph.score(); }
    @Override public INDArray output(INDArray x) { return graph.output(false, x)[0]; }

    @Override
    public Inference infer(INDArray x, INDArray y) {
        String outName = graph.getConfiguration().getNetworkOutputs().get(0);
        List<String> feeds = graph.getConfiguration().getVertexInputs().get(outName);
        if (feeds.size() != 1) {
            throw new IllegalStateException("output vertex '" + outName + "' has " + feeds.size() + " inputs, expected 1");
        }
        String inName = feeds.get(0);
        INDArray in;
        INDArray output;
        if (graph.getConfiguration().getNetworkInputs().contains(inName)) {
            in = x;
            output = graph.output(false, x)[0];
        } else { // one pass that returns both the output layer's input and the output
            INDArray[] acts = graph.output(List.of(inName, outName), false, new INDArray[] {x}, null);
            in = acts[0];
            output = acts[1];
        }
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        LayerVertex vertex = (LayerVertex) graph.getVertex(outName);
        InputPreProcessor pre = vertex.getLayerPreProcessor();
        if (pre != null) {
            in = pre.preProcess(in, (int) x.size(0), mgr);
        }
        IOutputLayer out = (IOutputLayer) vertex.getLayer();
        out.setInput(in, mgr);
        out.setLabels(y);
        return new Inference(output, out.computeScore(graph.calcRegularizationScore(true), false, mgr));
    }

    @Override public void clear() { graph.clear(); }
    @Override public Model dl4j() { return graph; }

    @Override
    public List<Slot> slots() {
        List<Slot> slots = new ArrayList<>();
        GraphVertex[] vertices = graph.getVertices();
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex v = vertices[index];
            for (Map.Entry<String, INDArray> e : v.paramTable(false).entrySet()) {
                slots.add(new Slot(v.getVertexName(), e.getKey(), e.getValue(), v, v.hasLayer() ? v.getLayer() : null));
            }
        }
        return slots;
    }
}
