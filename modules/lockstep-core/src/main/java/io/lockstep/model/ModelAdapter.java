package io.lockstep.model;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.FrozenVertex;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The one place where DL4J configuration types meet Lockstep. Holds a validated
 * {@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration} (as JSON, so it is cheap to
 * serialize to executors), the layout of its flat parameter vector, and creates {@link GradientWorker}s
 * that run DL4J's forward and backward pass.
 *
 * <h2>Parameter roles: DL4J decides</h2>
 * Every block of the flat vector gets a {@link ParamRole} read off the built network, in DL4J's own
 * updater order (its {@code Trainable}s: layers, or graph vertices in topological order):
 * <ul>
 *   <li>{@link ParamRole#FROZEN}: the layer is one of DL4J's frozen wrappers ({@code FrozenLayer},
 *       {@code FrozenLayerWithBackprop}, graph {@code FrozenVertex});</li>
 *   <li>{@link ParamRole#RUNNING_STAT}: DL4J does not divide the parameter's "gradient" by the mini-batch
 *       ({@code Trainable.updaterDivideByMinibatch(param)} is false) and updates it with {@code NoOp}
 *       (batch-norm mean/variance); any other such combination is rejected;</li>
 *   <li>{@link ParamRole#WEIGHT} when the layer's parameter initializer calls it a weight, else
 *       {@link ParamRole#BIAS}.</li>
 * </ul>
 * The layout is verified against DL4J's parameter views (each view must see exactly its slice of the
 * flat vector) before it is used.
 *
 * <h2>Invariants checked at construction</h2>
 * float32; the layers and vertices {@link ModelCheck} accepts; one softmax classification output with
 * {@code numClasses} outputs that accepts {@code numFeatures} inputs; no per-layer regularization,
 * gradient normalization or constraints (the driver applies them once); one updater configuration for
 * all trainable parameters (a differing per-layer updater cannot be honoured by the one driver optimizer
 * and is rejected; a uniform one other than {@code NoOp} is replaced by the driver's optimizer, which
 * {@link #notes()} says).
 */
public final class ModelAdapter implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The two DL4J network types. */
    public enum Kind { MULTI_LAYER, GRAPH }

    private final String name;
    private final Kind kind;
    private final String configJson;
    private final int numFeatures;
    private final int numClasses;
    private final ParamLayout layout;
    private final boolean batchNorm;
    private final boolean stochastic;
    private final List<String> notes;
    private transient float[] initialParams;

    private ModelAdapter(String name, Kind kind, String configJson, int numFeatures, int numClasses,
                         ModelCheck.Findings findings, Network net) {
        this.name = name;
        this.kind = kind;
        this.configJson = configJson;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.batchNorm = findings.batchNorm();
        this.stochastic = findings.stochastic();
        List<String> notes = new ArrayList<>();
        this.layout = layoutOf(name, net, notes);
        this.notes = List.copyOf(notes);
        checkShape(name, net, numFeatures, numClasses);
        this.initialParams = net.params().toFloatVector();
    }

    /**
     * Validates a {@code MultiLayerConfiguration} against the data shape and builds the adapter.
     *
     * @throws ModelException naming the model, the layer and the problem
     */
    public static ModelAdapter of(String name, MultiLayerConfiguration conf, int numFeatures, int numClasses) {
        conf.setDataType(DataType.FLOAT);
        ModelCheck.Findings findings = ModelCheck.check(name, conf);
        String json = conf.toJson();
        return new ModelAdapter(name, Kind.MULTI_LAYER, json, numFeatures, numClasses, findings,
                build(name, Kind.MULTI_LAYER, json));
    }

    /**
     * Validates a {@code ComputationGraphConfiguration} (one input, one output) against the data shape and
     * builds the adapter.
     *
     * @throws ModelException naming the model, the vertex and the problem
     */
    public static ModelAdapter of(String name, ComputationGraphConfiguration conf, int numFeatures, int numClasses) {
        conf.setDataType(DataType.FLOAT);
        ModelCheck.Findings findings = ModelCheck.check(name, conf);
        String json = conf.toJson();
        return new ModelAdapter(name, Kind.GRAPH, json, numFeatures, numClasses, findings, build(name, Kind.GRAPH, json));
    }

    public String name() { return name; }
    public Kind kind() { return kind; }
    public int numFeatures() { return numFeatures; }
    public int numClasses() { return numClasses; }
    public ParamLayout layout() { return layout; }
    public int numParams() { return layout.numParams(); }
    /** The DL4J configuration JSON (float32, no regularization). */
    public String configJson() { return configJson; }
    /** True when the model has a (non-frozen) batch-normalization layer: its output depends on the batch. */
    public boolean batchNorm() { return batchNorm; }
    /** True when a (non-frozen) layer draws random numbers in training (dropout, weight noise). */
    public boolean stochastic() { return stochastic; }
    /**
     * True when a forward pass's result depends on which examples share it or on the random stream
     * (batch norm, dropout): then the ghost batch must be a fixed setting for runs to be comparable.
     */
    public boolean batchDependent() { return batchNorm || stochastic; }
    /** Things about the configuration the user should know (e.g. an updater the driver replaces); printed at start. */
    public List<String> notes() { return notes; }

    /** A copy of the seeded initial parameters (identical for every worker count). */
    public float[] initialParams() {
        if (initialParams == null) {
            initialParams = newNetwork().params().toFloatVector();
        }
        return initialParams.clone();
    }

    /**
     * DL4J's estimate ({@code getMemoryReport}, training mode, no cache, float32) of the bytes one worker's
     * network needs for a forward and backward pass of {@code passBatch} examples: parameters, gradients,
     * updater state, activations and working memory. The input is the data's flat rows
     * ({@code feedForward(numFeatures)}); the configuration's own input preprocessors (e.g. the
     * {@code convolutionalFlat} input of the built-in CNNs) reshape it as in training. Empty when DL4J
     * cannot produce a report for this configuration (a layer without one, or types it cannot infer).
     */
    public OptionalLong trainingMemoryBytes(int passBatch) {
        InputType in = InputType.feedForward(numFeatures);
        try {
            MemoryReport report = kind == Kind.MULTI_LAYER
                    ? MultiLayerConfiguration.fromJson(configJson).getMemoryReport(in)
                    : ComputationGraphConfiguration.fromJson(configJson).getMemoryReport(in);
            return OptionalLong.of(report.getTotalMemoryBytes(passBatch, MemoryUseMode.TRAINING, CacheMode.NONE,
                    DataType.FLOAT));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** A fresh network for this thread's exclusive use (DL4J networks are not thread-safe). */
    public GradientWorker newWorker() {
        return new GradientWorker(newNetwork(), layout, numFeatures, numClasses);
    }

    /** A plain DL4J network ({@code MultiLayerNetwork} or {@code ComputationGraph}) holding {@code params}. */
    public Model toDl4j(float[] params) {
        Network net = newNetwork();
        NdBuffers.copyInto(params, net.params());
        return net.dl4j();
    }

    /** A fresh inference-mode {@link Scorer} holding {@code params}, for this thread's exclusive use. */
    public Scorer newScorer(float[] params) {
        Network net = newNetwork();
        NdBuffers.copyInto(params, net.params());
        return new Scorer(net, numFeatures, numClasses);
    }

    /** {@link #toDl4j} for a {@link Kind#MULTI_LAYER} model. */
    public MultiLayerNetwork toNetwork(float[] params) {
        if (kind != Kind.MULTI_LAYER) {
            throw new ModelException("model '" + name + "' is a ComputationGraph, not a MultiLayerNetwork");
        }
        return (MultiLayerNetwork) toDl4j(params);
    }

    /**
     * Writes {@code params} as a DL4J {@code ModelSerializer} zip that plain DL4J can load with
     * {@code MultiLayerNetwork.load} or {@code ComputationGraph.load}. Atomic: written to a temporary file
     * in the same directory, then renamed, so an existing model is never left half-written. The file gets
     * the process's default permissions like the run's other files (not a temporary file's owner-only ones).
     */
    public void save(float[] params, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createFile(dir.resolve(".model-" + java.util.UUID.randomUUID() + ".zip.tmp"));
        try {
            ModelSerializer.writeModel(toDl4j(params), tmp.toFile(), false);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** One line per layer (or graph vertex with a layer): position or name, type and number of parameters. */
    public List<String> describe() {
        Model m = newNetwork().dl4j();
        List<String> lines = new ArrayList<>();
        if (m instanceof MultiLayerNetwork net) {
            for (int i = 0; i < net.getnLayers(); i++) {
                org.deeplearning4j.nn.api.Layer l = net.getLayer(i);
                lines.add(i + ": " + l.conf().getLayer().getClass().getSimpleName() + " (" + l.numParams() + " params)");
            }
        } else {
            ComputationGraph g = (ComputationGraph) m;
            for (int index : g.topologicalSortOrder()) {
                var v = g.getVertices()[index];
                String type = v.hasLayer() ? v.getLayer().conf().getLayer().getClass().getSimpleName()
                        : v.getClass().getSimpleName();
                lines.add(v.getVertexName() + ": " + type + " (" + v.numParams() + " params)");
            }
        }
        return lines;
    }

    Network newNetwork() {
        return build(name, kind, configJson);
    }

    private static Network build(String name, Kind kind, String json) {
        try {
            if (kind == Kind.MULTI_LAYER) {
                MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
                net.init();
                return new MultiLayerNetworkAdapter(net);
            }
            ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
            graph.init();
            return new ComputationGraphAdapter(graph);
        } catch (RuntimeException e) {
            throw new ModelException("model '" + name + "' cannot be initialized: " + Models.firstLine(e));
        }
    }

    private static void checkShape(String name, Network net, int numFeatures, int numClasses) {
        INDArray out;
        try {
            out = net.output(Nd4j.zeros(DataType.FLOAT, 1, numFeatures));
        } catch (RuntimeException e) {
            throw new ModelException("model '" + name + "' does not accept " + numFeatures
                    + " input features: " + Models.firstLine(e));
        }
        if (out.rank() != 2 || out.size(1) != numClasses) {
            throw new ModelException("model '" + name + "' produces " + java.util.Arrays.toString(out.shape())
                    + " outputs but the data has " + numClasses + " classes");
        }
    }

    /** The layout in DL4J's updater order with each block's role; rejects updater settings it cannot honour. */
    private static ParamLayout layoutOf(String name, Network net, List<String> notes) {
        List<ParamBlock> blocks = new ArrayList<>();
        List<Network.Slot> slots = net.slots();
        int offset = 0;
        IUpdater shared = null;
        String sharedBy = null;
        for (Network.Slot s : slots) {
            int len = (int) s.values().length();
            ParamRole role = role(name, s);
            if (role.trainable()) {
                IUpdater u = s.owner().getConfig().getUpdaterByParam(s.param());
                if (shared == null) {
                    shared = u;
                    sharedBy = where(s);
                } else if (!shared.equals(u)) {
                    throw new ModelException("model '" + name + "' " + where(s) + " sets updater " + u + " but "
                            + sharedBy + " uses " + shared + "; Lockstep's driver applies one optimizer (--optimizer) "
                            + "to every layer, so per-layer updaters cannot be honoured: remove them from the configuration");
                }
            }
            blocks.add(new ParamBlock(s.layer(), s.param(), offset, len, role));
            offset += len;
        }
        long total = net.params().length();
        if (offset != total) {
            throw new ModelException("model '" + name + "': unexpected parameter layout: blocks sum to " + offset
                    + " but the network has " + total + " parameters");
        }
        verifyViews(name, net, slots, blocks);
        if (shared != null && !(shared instanceof NoOp)) {
            notes.add("the model's own updater " + shared + " is not used: the driver's optimizer (--optimizer, --lr) "
                    + "updates every trainable parameter");
        }
        return new ParamLayout(blocks);
    }

    private static ParamRole role(String name, Network.Slot s) {
        Trainable owner = s.owner();
        if (owner instanceof FrozenVertex || s.runtime() instanceof FrozenLayer
                || s.runtime() instanceof FrozenLayerWithBackprop) {
            return ParamRole.FROZEN;
        }
        if (!owner.updaterDivideByMinibatch(s.param())) {
            IUpdater u = owner.getConfig().getUpdaterByParam(s.param());
            if (!(u instanceof NoOp)) {
                throw new ModelException("model '" + name + "' " + where(s) + ": DL4J treats its \"gradient\" as a "
                        + "final update (not divided by the batch) but updates it with " + u
                        + "; Lockstep cannot apply that exactly");
            }
            return ParamRole.RUNNING_STAT;
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = s.runtime().conf().getLayer();
        return conf.initializer().isWeightParam(conf, s.param()) ? ParamRole.WEIGHT : ParamRole.BIAS;
    }

    /** Fills the flat vector with distinct values and checks that every DL4J view sees exactly its block. */
    private static void verifyViews(String name, Network net, List<Network.Slot> slots, List<ParamBlock> blocks) {
        INDArray flat = net.params();
        float[] saved = flat.toFloatVector();
        float[] probe = new float[saved.length];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (float) rng.nextDouble();
        }
        NdBuffers.copyInto(probe, flat);
        try {
            for (int k = 0; k < slots.size(); k++) {
                INDArray v = slots.get(k).values();
                float[] seen = Nd4j.toFlattened(v.ordering(), v).toFloatVector();
                ParamBlock b = blocks.get(k);
                float[] expected = java.util.Arrays.copyOfRange(probe, b.offset(), b.end());
                if (!java.util.Arrays.equals(seen, expected)) {
                    throw new ModelException("model '" + name + "': DL4J's view of parameter " + b.key()
                            + " is not the slice [" + b.offset() + ", " + b.end() + ") of the flat parameter vector");
                }
            }
        } finally {
            NdBuffers.copyInto(saved, flat);
        }
    }

    private static String where(Network.Slot s) {
        String type = s.runtime() == null ? "" : " (" + s.runtime().conf().getLayer().getClass().getSimpleName() + ")";
        return (s.layer().chars().allMatch(Character::isDigit) ? "layer " + s.layer() : "vertex '" + s.layer() + "'")
                + type + " parameter " + s.param();
    }
}
