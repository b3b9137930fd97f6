package io.lockstep.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The built-in model zoo and the loader for user-supplied DL4J configurations. Every model is
 * float32, has no regularization and no updater of its own: Lockstep's driver owns the optimizer
 * and regularization.
 */
public final class Models {
    /** Names accepted by {@link #byName}. */
    public static final List<String> BUILT_IN = List.of("mlp", "lenet");

    private Models() {}

    /**
     * Resolves a model argument: a built-in name ({@code mlp}, {@code lenet}) or a path to a DL4J
     * {@code MultiLayerConfiguration} JSON file.
     */
    public static ModelAdapter resolve(String nameOrPath, int numFeatures, int numClasses, long seed) {
        if (BUILT_IN.contains(nameOrPath)) {
            return byName(nameOrPath, numFeatures, numClasses, seed);
        }
        if (nameOrPath.endsWith(".json") || nameOrPath.contains("/")) {
            return fromJsonFile(Path.of(nameOrPath), numFeatures, numClasses);
        }
        throw new ModelException("unknown model '" + nameOrPath + "': use one of " + BUILT_IN
                + " or a path to a DL4J MultiLayerConfiguration .json file");
    }

    /** A built-in model sized for the data. */
    public static ModelAdapter byName(String name, int numFeatures, int numClasses, long seed) {
        return switch (name) {
            case "mlp" -> ModelAdapter.of("mlp", mlp(numFeatures, numClasses, seed), numFeatures, numClasses);
            case "lenet" -> ModelAdapter.of("lenet", lenet(numFeatures, numClasses, seed), numFeatures, numClasses);
            default -> throw new ModelException("unknown model '" + name + "': use one of " + BUILT_IN);
        };
    }

    /** Loads and checks a user's MultiLayerConfiguration JSON. */
    public static ModelAdapter fromJsonFile(Path file, int numFeatures, int numClasses) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": model file not found");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read model file: " + e.getMessage());
        }
        MultiLayerConfiguration conf;
        try {
            conf = MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new ModelException(file + ": not a DL4J MultiLayerConfiguration JSON: " + firstLine(e));
        }
        return ModelAdapter.of(file.getFileName().toString(), conf, numFeatures, numClasses);
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
     * A small LeNet-5-style CNN for square single-channel images: conv5x5(6) → maxpool 2 →
     * conv5x5(16) → maxpool 2 → dense 120 → dense 84 → softmax.
     */
    public static MultiLayerConfiguration lenet(int numFeatures, int numClasses, long seed) {
        int side = (int) Math.round(Math.sqrt(numFeatures));
        if (side * side != numFeatures || side < 16) {
            throw new ModelException("model 'lenet' needs square single-channel images of at least 16x16; the data has "
                    + numFeatures + " features per example");
        }
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
