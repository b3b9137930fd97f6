package io.lockstep.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The built-in model zoo and the loader for user-supplied DL4J configurations. Every built-in model is
 * float32, has no regularization and no updater of its own: Lockstep's driver owns the optimizer
 * and regularization.
 */
public final class Models {
    /** Names accepted by {@link #byName}. */
    public static final List<String> BUILT_IN = List.of("mlp", "mlp-bn", "lenet", "resnet");

    private Models() {}

    /**
     * Resolves a model argument: a built-in name ({@link #BUILT_IN}) or a path to a DL4J
     * {@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration} JSON file.
     */
    public static ModelAdapter resolve(String nameOrPath, int numFeatures, int numClasses, long seed) {
        if (BUILT_IN.contains(nameOrPath)) {
            return byName(nameOrPath, numFeatures, numClasses, seed);
        }
        if (nameOrPath.endsWith(".json") || nameOrPath.contains("/")) {
            return fromJsonFile(Path.of(nameOrPath), numFeatures, numClasses);
        }
        throw new ModelException("unknown model '" + nameOrPath + "': use one of " + BUILT_IN
                + " or a path to a DL4J MultiLayerConfiguration or ComputationGraphConfiguration .json file");
    }

    /** A built-in model sized for the data. */
    public static ModelAdapter byName(String name, int numFeatures, int numClasses, long seed) {
        return switch (name) {
            case "mlp" -> ModelAdapter.of("mlp", mlp(numFeatures, numClasses, seed), numFeatures, numClasses);
            case "mlp-bn" -> ModelAdapter.of("mlp-bn", mlpBatchNorm(numFeatures, numClasses, seed), numFeatures, numClasses);
            case "lenet" -> ModelAdapter.of("lenet", lenet(numFeatures, numClasses, seed), numFeatures, numClasses);
            case "resnet" -> ModelAdapter.of("resnet", resnet(numFeatures, numClasses, seed), numFeatures, numClasses);
            default -> throw new ModelException("unknown model '" + name + "': use one of " + BUILT_IN);
        };
    }

    /** Loads and checks a user's {@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration} JSON. */
    public static ModelAdapter fromJsonFile(Path file, int numFeatures, int numClasses) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": model file not found");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read model file: " + e.getMessage());
        }
        return parse(file.getFileName().toString(), file.toString(), json, numFeatures, numClasses);
    }

    /**
     * Checks a {@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration} given as JSON text.
     *
     * @param name what to call the model in messages (a file name, a parameter)
     * @throws ModelException naming the model and the problem
     */
    public static ModelAdapter fromJson(String name, String json, int numFeatures, int numClasses) {
        return parse(name, name, json, numFeatures, numClasses);
    }

    /** {@code where} names the source in messages (the full path of a file). */
    private static ModelAdapter parse(String name, String where, String json, int numFeatures, int numClasses) {
        boolean graph = isGraphJson(json);
        try {
            if (graph) {
                return ModelAdapter.of(name, ComputationGraphConfiguration.fromJson(json), numFeatures, numClasses);
            }
            return ModelAdapter.of(name, MultiLayerConfiguration.fromJson(json), numFeatures, numClasses);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelException(where + ": not a DL4J " + (graph ? "ComputationGraphConfiguration"
                    : "MultiLayerConfiguration") + " JSON: " + firstLine(e));
        }
    }

    /** A ComputationGraphConfiguration's JSON has {@code "vertices"}; a MultiLayerConfiguration's has {@code "confs"}. */
    private static boolean isGraphJson(String json) {
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            return root != null && root.has("vertices") && !root.has("confs");
        } catch (IOException e) {
            return false; // reported by the MultiLayerConfiguration parser
        }
    }

    /** MLP {@code numFeatures-256-256-numClasses}, ReLU, softmax + multi-class cross-entropy. */
    public static MultiLayerConfiguration mlp(int numFeatures, int numClasses, long seed) {
        return base(seed).list()
                .layer(new DenseLayer.Builder().nIn(numFeatures).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(256).nOut(numClasses)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /**
     * MLP with batch normalization, {@code numFeatures-512(BN, ReLU)-numClasses}: dense (identity) →
     * BatchNormalization → ReLU → softmax output.
     */
    public static MultiLayerConfiguration mlpBatchNorm(int numFeatures, int numClasses, long seed) {
        return base(seed).list()
                .layer(new DenseLayer.Builder().nIn(numFeatures).nOut(512).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().nOut(512).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(512).nOut(numClasses)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /**
     * A small LeNet-5-style CNN for square single-channel images: conv5x5(6) → maxpool 2 →
     * conv5x5(16) → maxpool 2 → dense 120 → dense 84 → softmax.
     */
    public static MultiLayerConfiguration lenet(int numFeatures, int numClasses, long seed) {
        int side = squareSide("lenet", numFeatures);
        return base(seed).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(numClasses).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(side, side, 1))
                .build();
    }

    /** Channels of the residual stages of {@link #resnet}. */
    static final int[] RESNET_STAGES = {16, 32, 64};

    /**
     * A small residual CNN with batch normalization for square single-channel images (a ComputationGraph,
     * He et al. 2016 style): 3x3 conv stem with stride {@value #RESNET_STEM_STRIDE} (BN, ReLU; 28x28 → 14x14,
     * which cuts the cost 4x), then one residual block per stage with {@link #RESNET_STAGES} channels
     * (stride 2 from the second stage on, 1x1 projection shortcuts where the shape changes), global average
     * pooling, softmax. Every convolution is followed by BN, so convolutions have no bias.
     */
    public static ComputationGraphConfiguration resnet(int numFeatures, int numClasses, long seed) {
        return resnet(numFeatures, numClasses, seed, RESNET_STAGES, RESNET_STEM_STRIDE);
    }

    /** Stride of the stem convolution of {@link #resnet}. */
    static final int RESNET_STEM_STRIDE = 2;

    /** {@link #resnet} with other stage widths and stem stride (for measurements). */
    static ComputationGraphConfiguration resnet(int numFeatures, int numClasses, long seed, int[] stages, int stemStride) {
        int side = squareSide("resnet", numFeatures);
        var g = base(seed).convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("input");
        String last = convBn(g, "stem", "input", stages[0], 3, stemStride);
        g.addLayer("stem_relu", relu(), last);
        last = "stem_relu";
        int channels = stages[0];
        for (int s = 0; s < stages.length; s++) {
            int out = stages[s];
            int stride = s == 0 ? 1 : 2;
            String p = "s" + (s + 1);
            String a = convBn(g, p + "a", last, out, 3, stride);
            g.addLayer(p + "a_relu", relu(), a);
            String b = convBn(g, p + "b", p + "a_relu", out, 3, 1);
            String shortcut = stride == 1 && channels == out ? last : convBn(g, p + "proj", last, out, 1, stride);
            g.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), b, shortcut);
            g.addLayer(p + "_relu", relu(), p + "_add");
            last = p + "_relu";
            channels = out;
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        g.addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(numClasses)
                .activation(Activation.SOFTMAX).build(), "pool");
        return g.setOutputs("output").setInputTypes(InputType.convolutionalFlat(side, side, 1)).build();
    }

    /** conv (no bias) → BN; returns the BN vertex name. */
    private static String convBn(ComputationGraphConfiguration.GraphBuilder g, String name, String input, int channels,
                                 int kernel, int stride) {
        g.addLayer(name + "_conv", new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(channels)
                .hasBias(false).activation(Activation.IDENTITY).build(), input);
        g.addLayer(name + "_bn", new BatchNormalization.Builder().build(), name + "_conv");
        return name + "_bn";
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }

    private static int squareSide(String model, int numFeatures) {
        int side = (int) Math.round(Math.sqrt(numFeatures));
        if (side * side != numFeatures || side < 16) {
            throw new ModelException("model '" + model + "' needs square single-channel images of at least 16x16; "
                    + "the data has " + numFeatures + " features per example");
        }
        return side;
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new NoOp());
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
