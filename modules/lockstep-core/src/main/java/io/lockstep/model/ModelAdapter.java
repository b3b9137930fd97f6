package io.lockstep.model;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place where DL4J configuration types meet Lockstep. Holds a validated
 * {@code MultiLayerConfiguration} (as JSON, so it is cheap to serialize to executors), the layout
 * of its flat parameter vector, and creates {@link GradientWorker}s that run DL4J's forward and
 * backward pass.
 *
 * <p>Invariants checked at construction: float32, an output layer with {@code numClasses} outputs
 * that accepts {@code numFeatures} inputs, and no regularization inside the configuration (Lockstep
 * applies L2 / weight decay once, on the driver).
 */
public final class ModelAdapter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String configJson;
    private final int numFeatures;
    private final int numClasses;
    private final ParamLayout layout;
    private transient float[] initialParams;

    private ModelAdapter(String name, String configJson, int numFeatures, int numClasses, ParamLayout layout,
                         float[] initialParams) {
        this.name = name;
        this.configJson = configJson;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.layout = layout;
        this.initialParams = initialParams;
    }

    /**
     * Validates a configuration against the data shape and builds the adapter.
     *
     * @throws ModelException naming the model and the problem
     */
    public static ModelAdapter of(String name, MultiLayerConfiguration conf, int numFeatures, int numClasses) {
        conf.setDataType(DataType.FLOAT);
        rejectRegularization(name, conf);
        MultiLayerNetwork net;
        try {
            net = new MultiLayerNetwork(conf.clone());
            net.init();
        } catch (RuntimeException e) {
            throw new ModelException("model '" + name + "' cannot be initialized: " + Models.firstLine(e));
        }
        if (net.getOutputLayer() == null || !(net.getOutputLayer() instanceof org.deeplearning4j.nn.api.layers.IOutputLayer)) {
            throw new ModelException("model '" + name + "' must end with an output layer (e.g. OutputLayer with a loss function)");
        }
        checkShape(name, net, numFeatures, numClasses);
        return new ModelAdapter(name, conf.toJson(), numFeatures, numClasses, layoutOf(net),
                net.params().toFloatVector());
    }

    public String name() { return name; }
    public int numFeatures() { return numFeatures; }
    public int numClasses() { return numClasses; }
    public ParamLayout layout() { return layout; }
    public int numParams() { return layout.numParams(); }
    /** The DL4J configuration JSON (float32, no regularization). */
    public String configJson() { return configJson; }

    /** A copy of the seeded initial parameters (identical for every worker count). */
    public float[] initialParams() {
        if (initialParams == null) {
            initialParams = newNetwork().params().toFloatVector();
        }
        return initialParams.clone();
    }

    /** A fresh network for this thread's exclusive use (DL4J networks are not thread-safe). */
    public GradientWorker newWorker() {
        return new GradientWorker(newNetwork(), numFeatures, numClasses);
    }

    /** A plain DL4J network holding {@code params} (e.g. for saving or for plain-DL4J evaluation). */
    public MultiLayerNetwork toNetwork(float[] params) {
        MultiLayerNetwork net = newNetwork();
        net.setParams(Nd4j.create(params, new long[] {1, params.length}, 'c'));
        return net;
    }

    /**
     * Writes {@code params} as a DL4J {@code ModelSerializer} zip that plain DL4J can load with
     * {@code MultiLayerNetwork.load}. Atomic: written to a temporary file in the same directory,
     * then renamed, so an existing model is never left half-written.
     */
    public void save(float[] params, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".model-", ".zip.tmp");
        try {
            ModelSerializer.writeModel(toNetwork(params), tmp.toFile(), false);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** One line per layer: type and number of parameters. */
    public List<String> describe() {
        MultiLayerNetwork net = newNetwork();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            org.deeplearning4j.nn.api.Layer l = net.getLayer(i);
            lines.add(i + ": " + l.conf().getLayer().getClass().getSimpleName() + " (" + l.numParams() + " params)");
        }
        return lines;
    }

    MultiLayerNetwork newNetwork() {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
        net.init();
        return net;
    }

    private static void rejectRegularization(String name, MultiLayerConfiguration conf) {
        for (int i = 0; i < conf.getConfs().size(); i++) {
            NeuralNetConfiguration c = conf.getConf(i);
            Layer layer = c.getLayer();
            if (layer instanceof BaseLayer bl && (notEmpty(bl.getRegularization()) || notEmpty(bl.getRegularizationBias()))) {
                throw new ModelException("model '" + name + "' layer " + i + " has regularization in its configuration; "
                        + "remove it and use --l2 / --weight-decay (Lockstep applies regularization once, on the driver)");
            }
        }
    }

    private static boolean notEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    private static void checkShape(String name, MultiLayerNetwork net, int numFeatures, int numClasses) {
        INDArray out;
        try {
            out = net.output(Nd4j.zeros(DataType.FLOAT, 1, numFeatures), false);
        } catch (RuntimeException e) {
            throw new ModelException("model '" + name + "' does not accept " + numFeatures
                    + " input features: " + Models.firstLine(e));
        }
        if (out.rank() != 2 || out.size(1) != numClasses) {
            throw new ModelException("model '" + name + "' produces " + java.util.Arrays.toString(out.shape())
                    + " outputs but the data has " + numClasses + " classes");
        }
    }

    private static ParamLayout layoutOf(MultiLayerNetwork net) {
        List<ParamBlock> blocks = new ArrayList<>();
        int offset = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            String key = e.getKey();
            int us = key.indexOf('_');
            int layer = Integer.parseInt(key.substring(0, us));
            String param = key.substring(us + 1);
            int len = (int) e.getValue().length();
            Layer conf = net.getLayer(layer).conf().getLayer();
            boolean bias = !conf.initializer().isWeightParam(conf, param);
            blocks.add(new ParamBlock(layer, param, offset, len, bias));
            offset += len;
        }
        if (offset != net.numParams()) {
            throw new ModelException("unexpected parameter layout: blocks sum to " + offset + " but network has "
                    + net.numParams() + " parameters");
        }
        return new ParamLayout(blocks);
    }

}
