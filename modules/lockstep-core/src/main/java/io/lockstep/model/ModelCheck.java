package io.lockstep.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

/**
 * Configuration-level checks of a DL4J model before Lockstep trains it. Everything in a configuration is
 * either honoured by Lockstep or rejected here with one line naming the layer — never silently ignored:
 * <ul>
 *   <li>layers and graph vertices: only those Lockstep runs exactly on rows of features (dense,
 *       convolution and pooling, batch norm, activation, dropout, frozen wrappers, ...); recurrent,
 *       unsupervised, SameDiff and object-detection layers, and multiple inputs/outputs, are rejected;</li>
 *   <li>the output: one softmax classification layer ({@code OutputLayer}/{@code LossLayer} with
 *       {@code MCXENT} or {@code NEGATIVELOGLIKELIHOOD});</li>
 *   <li>per-layer regularization, gradient normalization and weight constraints are rejected (the driver
 *       applies {@code --l2}/{@code --weight-decay}/{@code --clip-norm} once, to the averaged gradient);
 *       truncated BPTT is rejected;</li>
 *   <li>dropout, weight noise and batch norm are honoured (with deterministic randomness and fixed
 *       ghost batches, see {@link GradientWorker}).</li>
 * </ul>
 * Updater settings are checked on the built network ({@link ModelAdapter}), where DL4J resolves them per
 * parameter.
 */
final class ModelCheck {
    /** Hidden layers Lockstep runs exactly (exact classes: a subclass may change semantics). */
    private static final Set<Class<?>> HIDDEN = Set.of(DenseLayer.class, ConvolutionLayer.class, Convolution2D.class,
            SubsamplingLayer.class, BatchNormalization.class, ActivationLayer.class, DropoutLayer.class,
            GlobalPoolingLayer.class, ZeroPaddingLayer.class, SeparableConvolution2D.class,
            DepthwiseConvolution2D.class, Deconvolution2D.class, Upsampling2D.class, Cropping2D.class,
            LocalResponseNormalization.class, SpaceToDepthLayer.class, PReLULayer.class, EmbeddingLayer.class,
            ElementWiseMultiplicationLayer.class);
    private static final Set<Class<?>> OUTPUT = Set.of(OutputLayer.class, LossLayer.class);
    private static final Set<Class<?>> VERTICES = Set.of(MergeVertex.class, ElementWiseVertex.class,
            SubsetVertex.class, PreprocessorVertex.class, ScaleVertex.class, ShiftVertex.class, L2NormalizeVertex.class);

    /** What the checks learned about the model. */
    record Findings(boolean batchNorm, boolean stochastic) {}

    private final String model;
    private boolean batchNorm;
    private boolean stochastic;

    private ModelCheck(String model) {
        this.model = model;
    }

    static Findings check(String model, MultiLayerConfiguration conf) {
        ModelCheck c = new ModelCheck(model);
        if (conf.getBackpropType() == BackpropType.TruncatedBPTT) {
            throw c.reject("uses truncated backpropagation through time, which Lockstep does not support");
        }
        int n = conf.getConfs().size();
        for (int i = 0; i < n; i++) {
            Layer layer = conf.getConf(i).getLayer();
            c.layer("layer " + i + " (" + layer.getClass().getSimpleName() + ")", layer, i == n - 1, false);
        }
        return new Findings(c.batchNorm, c.stochastic);
    }

    static Findings check(String model, ComputationGraphConfiguration conf) {
        ModelCheck c = new ModelCheck(model);
        if (conf.getBackpropType() == BackpropType.TruncatedBPTT) {
            throw c.reject("uses truncated backpropagation through time, which Lockstep does not support");
        }
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw c.reject("has " + conf.getNetworkInputs().size() + " inputs and " + conf.getNetworkOutputs().size()
                    + " outputs; Lockstep trains graphs with exactly one input (the feature row) and one output");
        }
        String output = conf.getNetworkOutputs().get(0);
        for (Map.Entry<String, GraphVertex> e : new LinkedHashMap<>(conf.getVertices()).entrySet()) {
            GraphVertex v = e.getValue();
            String where = "vertex '" + e.getKey() + "'";
            if (v instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                c.layer(where + " (" + layer.getClass().getSimpleName() + ")", layer, e.getKey().equals(output), false);
            } else if (!VERTICES.contains(v.getClass())) {
                throw c.reject(where + " (" + v.getClass().getSimpleName() + ") is not supported; supported vertices: "
                        + "layers, " + names(VERTICES));
            } else if (e.getKey().equals(output)) {
                throw c.reject("output " + where + " is a " + v.getClass().getSimpleName()
                        + "; the output must be a softmax OutputLayer or LossLayer");
            }
        }
        return new Findings(c.batchNorm, c.stochastic);
    }

    private void layer(String where, Layer layer, boolean isOutput, boolean frozen) {
        if (layer instanceof FrozenLayer f) {
            layer(where + " inside FrozenLayer", f.getLayer(), isOutput, true);
            return;
        }
        if (layer instanceof FrozenLayerWithBackprop f) {
            layer(where + " inside FrozenLayerWithBackprop", f.getUnderlying(), isOutput, true);
            return;
        }
        if (isOutput) {
            checkOutput(where, layer);
        } else if (!HIDDEN.contains(layer.getClass())) {
            throw reject(where + " is not supported (" + whyUnsupported(layer) + "); supported layers: "
                    + names(HIDDEN) + ", and " + names(OUTPUT) + " as the output");
        }
        if (layer instanceof BaseLayer bl) {
            if (notEmpty(bl.getRegularization()) || notEmpty(bl.getRegularizationBias())) {
                throw reject(where + " has regularization in its configuration; remove it and use --l2 / "
                        + "--weight-decay (Lockstep applies regularization once, on the driver)");
            }
            GradientNormalization gn = bl.getGradientNormalization();
            if (gn != null && gn != GradientNormalization.None) {
                throw reject(where + " has gradient normalization " + gn + " in its configuration; remove it and use "
                        + "--clip-norm (Lockstep clips the averaged gradient once, on the driver)");
            }
            stochastic |= !frozen && bl.getWeightNoise() != null;
        }
        if (notEmpty(layer.getConstraints())) {
            throw reject(where + " has weight constraints, which Lockstep does not apply; remove them");
        }
        batchNorm |= !frozen && layer instanceof BatchNormalization;
        stochastic |= !frozen && layer.getIDropout() != null;
    }

    private void checkOutput(String where, Layer layer) {
        if (!OUTPUT.contains(layer.getClass())) {
            throw reject("the output " + where + " is not a classification output; Lockstep needs a softmax "
                    + "OutputLayer or LossLayer with the MCXENT or NEGATIVELOGLIKELIHOOD loss");
        }
        ILossFunction loss = layer instanceof BaseOutputLayer o ? o.getLossFn() : ((LossLayer) layer).getLossFn();
        boolean softmax = ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer).getActivationFn() instanceof ActivationSoftmax;
        boolean crossEntropy = loss != null && (loss.getClass() == LossMCXENT.class
                || loss.getClass() == LossNegativeLogLikelihood.class);
        if (!softmax || !crossEntropy) {
            throw reject("the output " + where + " uses activation "
                    + ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer).getActivationFn() + " and loss " + loss
                    + "; Lockstep trains classifiers: use softmax with MCXENT or NEGATIVELOGLIKELIHOOD");
        }
    }

    private static String whyUnsupported(Layer layer) {
        String pkg = layer.getClass().getName();
        if (pkg.contains(".recurrent.") || pkg.contains("LSTM") || pkg.contains("Rnn") || pkg.contains("Recurrent")) {
            return "recurrent layers need sequence inputs and masks";
        }
        if (pkg.contains(".variational.") || pkg.contains("AutoEncoder") || pkg.contains("Pretrain")) {
            return "unsupervised layers are not trained by backpropagation of a classification loss";
        }
        if (pkg.contains(".samediff.")) {
            return "SameDiff layers are opaque to Lockstep's parameter roles";
        }
        if (layer instanceof BaseOutputLayer) {
            return "an output layer can only be the last layer";
        }
        return "not one Lockstep has checked for exact distributed training";
    }

    private static String names(Set<Class<?>> classes) {
        List<String> names = new ArrayList<>();
        classes.forEach(c -> names.add(c.getSimpleName()));
        names.sort(null);
        return String.join(", ", names);
    }

    private static boolean notEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    private ModelException reject(String what) {
        return new ModelException("model '" + model + "' " + what);
    }
}
