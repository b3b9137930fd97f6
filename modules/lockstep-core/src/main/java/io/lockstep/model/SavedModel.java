package io.lockstep.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A trained network read back from a DL4J {@code ModelSerializer} zip (the {@code model.zip} that
 * {@code lockstep train} and {@code LockstepClassificationModel.save} write, or any such zip of a
 * {@code MultiLayerNetwork} or {@code ComputationGraph}): its configuration, flat parameters and number of
 * classes. The number of input features comes from the data it scores ({@link #adapter}).
 */
public final class SavedModel {
    private final Path file;
    private final org.deeplearning4j.nn.api.Model net;
    private final int numClasses;

    private SavedModel(Path file, org.deeplearning4j.nn.api.Model net, int numClasses) {
        this.file = file;
        this.net = net;
        this.numClasses = numClasses;
    }

    /**
     * Reads {@code file}.
     *
     * @throws ModelException naming the file when it is missing, not a DL4J model zip, or has no classifier output
     */
    public static SavedModel read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": " + (Files.isDirectory(file) ? "is a directory" : "not found")
                    + ", expected a DL4J model zip (model.zip)");
        }
        org.deeplearning4j.nn.api.Model net = restore(file);
        Layer out = net instanceof MultiLayerNetwork m ? m.getOutputLayer() : ((ComputationGraph) net).getOutputLayer(0);
        if (!(out.conf().getLayer() instanceof FeedForwardLayer ff) || ff.getNOut() < 2) {
            throw new ModelException(file + ": the network's output layer is not a classifier with at least 2 classes");
        }
        return new SavedModel(file, net, (int) ff.getNOut());
    }

    private static org.deeplearning4j.nn.api.Model restore(Path file) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (IOException | RuntimeException multiLayer) {
            try {
                return ModelSerializer.restoreComputationGraph(file.toFile(), false);
            } catch (IOException | RuntimeException graph) {
                throw new ModelException(file + ": not a DL4J model zip (" + Models.firstLine(multiLayer) + ")");
            }
        }
    }

    public Path file() { return file; }
    public int numClasses() { return numClasses; }
    public ModelAdapter.Kind kind() { return net instanceof ComputationGraph ? ModelAdapter.Kind.GRAPH : ModelAdapter.Kind.MULTI_LAYER; }

    /** The trained flat parameter vector (DL4J's layout, as {@link ModelAdapter} uses it). */
    public float[] params() {
        return net.params().toFloatVector();
    }

    /**
     * The validated adapter for data with {@code numFeatures} features per row.
     *
     * @throws ModelException naming the file when the network does not accept that many features
     */
    public ModelAdapter adapter(int numFeatures) {
        String name = file.toString();
        return net instanceof ComputationGraph g ? ModelAdapter.of(name, g.getConfiguration(), numFeatures, numClasses)
                : ModelAdapter.of(name, ((MultiLayerNetwork) net).getLayerWiseConfigurations(), numFeatures, numClasses);
    }
}
