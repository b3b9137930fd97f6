package io.lockstep.model;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The few operations Lockstep needs from a DL4J network, for both {@code MultiLayerNetwork} and
 * {@code ComputationGraph} (one input, one output). Not thread-safe, like the networks themselves.
 */
interface Network {
    /** The flat parameter vector (a contiguous float32 view that DL4J's layers read). */
    INDArray params();

    /** The flat gradient vector that {@link #computeGradient} fills (same layout as {@link #params()}). */
    INDArray gradients();

    /** One training-mode forward and backward pass on {@code x}/{@code y}; fills {@link #gradients()}. */
    void computeGradient(INDArray x, INDArray y);

    /** The mean loss of the last {@link #computeGradient} pass. */
    double score();

    /** Inference-mode output (running statistics, no dropout). */
    INDArray output(INDArray x);

    /**
     * Inference-mode output and mean loss on {@code x}/{@code y} from one forward pass: the hidden layers run
     * once, and the loss is DL4J's own {@code computeScore} of the output layer on its input from that pass (so
     * it equals {@code score(DataSet, false)} of the network; only the output layer's own map is evaluated again).
     */
    Inference infer(INDArray x, INDArray y);

    /**
     * What {@link #infer} returns.
     *
     * @param output   the class probabilities, {@code rows × classes}
     * @param meanLoss the mean loss over the rows, as DL4J's {@code score(DataSet, false)}
     */
    record Inference(INDArray output, double meanLoss) {}

    /** Drops inputs, labels and activations kept from the last pass. */
    void clear();

    /** The network as DL4J's own model type (for saving). */
    Model dl4j();

    /**
     * Every parameter array in DL4J's updater order (the order of the flat vector): MultiLayerNetwork
     * layers by index, ComputationGraph vertices in topological order, each in its parameter-table order.
     */
    List<Slot> slots();

    /**
     * One parameter array and who owns it.
     *
     * @param layer   layer index or vertex name
     * @param param   DL4J's parameter key within the layer ("W", "b", "mean", ...)
     * @param values  the parameter's view into {@link #params()}
     * @param owner   DL4J's {@link Trainable} (layer or vertex) that decides how the parameter is updated
     * @param runtime the layer object (may be a frozen wrapper)
     */
    record Slot(String layer, String param, INDArray values, Trainable owner, Layer runtime) {}
}
