package io.lockstep.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

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
    @Override public double score(INDArray x, INDArray y) { return graph.score(new DataSet(x, y), false); }
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
