package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Everything in a model configuration is honoured or rejected with one line naming the layer; parameter
 * roles come from DL4J (batch-norm statistics, frozen wrappers), never from names.
 */
class ModelCheckTest {
    private static final int F = 6;
    private static final int C = 3;

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new NoOp());
    }

    private static OutputLayer softmax(int nIn) {
        return new OutputLayer.Builder(LossFunction.MCXENT).nIn(nIn).nOut(C).activation(Activation.SOFTMAX).build();
    }

    private static void rejected(Supplier<ModelAdapter> build, String... fragments) {
        ModelException e = assertThrows(ModelException.class, build::get);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
    }

    @Test
    void recurrentLayersAreRejectedNamingTheLayer() {
        MultiLayerConfiguration conf = base().list()
                .layer(new LSTM.Builder().nIn(F).nOut(4).build())
                .layer(softmax(4)).build();
        rejected(() -> ModelAdapter.of("rnn", conf, F, C), "model 'rnn'", "layer 0 (LSTM)", "recurrent");
    }

    @Test
    void graphsWithSeveralInputsAreRejected() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("a", "b")
                .addVertex("m", new MergeVertex(), "a", "b")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(C).activation(Activation.SOFTMAX).build(), "m")
                .setOutputs("out").setInputTypes(InputType.feedForward(F), InputType.feedForward(F)).build();
        rejected(() -> ModelAdapter.of("two", conf, F, C), "model 'two'", "2 inputs", "exactly one input");
    }

    @Test
    void perLayerRegularizationIsRejectedNamingTheLayer() {
        MultiLayerConfiguration conf = base().list()
                .layer(new DenseLayer.Builder().nIn(F).nOut(4).regularization(List.of(new L2Regularization(1e-3))).build())
                .layer(softmax(4)).build();
        rejected(() -> ModelAdapter.of("l2", conf, F, C), "layer 0 (DenseLayer)", "regularization", "--l2");
    }

    @Test
    void gradientNormalizationAndConstraintsAreRejected() {
        MultiLayerConfiguration gn = base().list()
                .layer(new DenseLayer.Builder().nIn(F).nOut(4)
                        .gradientNormalization(GradientNormalization.ClipL2PerLayer).build())
                .layer(softmax(4)).build();
        rejected(() -> ModelAdapter.of("gn", gn, F, C), "layer 0 (DenseLayer)", "ClipL2PerLayer", "--clip-norm");
        MultiLayerConfiguration constrained = base().list()
                .layer(new DenseLayer.Builder().nIn(F).nOut(4).constrainWeights(new MaxNormConstraint(1.0, 1)).build())
                .layer(softmax(4)).build();
        rejected(() -> ModelAdapter.of("maxnorm", constrained, F, C), "layer 0 (DenseLayer)", "constraints");
    }

    @Test
    void perLayerUpdatersThatDifferAreRejected() {
        MultiLayerConfiguration conf = base().list()
                .layer(new DenseLayer.Builder().nIn(F).nOut(4).updater(new Adam(1e-3)).build())
                .layer(softmax(4)).build();
        rejected(() -> ModelAdapter.of("mixed", conf, F, C), "mixed", "updater", "one optimizer");
    }

    @Test
    void aUniformUpdaterIsReplacedAndSaidSo() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(F).nOut(4).build()).layer(softmax(4)).build();
        ModelAdapter m = ModelAdapter.of("sgd", conf, F, C);
        assertEquals(1, m.notes().size());
        assertTrue(m.notes().get(0).contains("not used") && m.notes().get(0).contains("--optimizer"), m.notes().get(0));
        assertTrue(Models.byName("mlp", F, C, 1).notes().isEmpty(), "built-ins have no updater of their own");
    }

    @Test
    void nonClassificationOutputsAreRejected() {
        MultiLayerConfiguration mse = base().list()
                .layer(new DenseLayer.Builder().nIn(F).nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(C).activation(Activation.IDENTITY).build())
                .build();
        rejected(() -> ModelAdapter.of("regression", mse, F, C), "layer 1 (OutputLayer)", "softmax", "MCXENT");
        MultiLayerConfiguration noOutput = base().list().layer(new DenseLayer.Builder().nIn(F).nOut(C).build()).build();
        rejected(() -> ModelAdapter.of("dense", noOutput, F, C), "layer 0 (DenseLayer)", "not a classification output");
    }

    @Test
    void batchNormStatisticsAreRunningStatsAndGammaBetaTrainable() {
        ModelAdapter bn = Models.byName("mlp-bn", F, C, 1);
        assertTrue(bn.batchNorm() && !bn.stochastic() && bn.batchDependent());
        int stats = 0;
        for (ParamBlock b : bn.layout().blocks()) {
            if (b.layer().equals("1")) {
                boolean stat = b.name().equals("mean") || b.name().equals("log10stdev") || b.name().equals("var");
                assertEquals(stat ? ParamRole.RUNNING_STAT : ParamRole.BIAS, b.role(), b.toString());
                stats += stat ? 1 : 0;
            } else {
                assertTrue(b.trainable(), b.toString());
            }
        }
        assertEquals(2, stats, "mean and log10 std (DL4J's default parameterization)");
        assertFalse(Models.byName("mlp", F, C, 1).batchDependent());
    }

    @Test
    void frozenWrappersMakeFrozenBlocks() {
        MultiLayerConfiguration conf = base().list()
                .layer(new FrozenLayer.Builder().layer(new DenseLayer.Builder().nIn(F).nOut(4).build()).build())
                .layer(softmax(4)).build();
        ModelAdapter m = ModelAdapter.of("frozen", conf, F, C);
        assertEquals(List.of(ParamRole.FROZEN, ParamRole.FROZEN, ParamRole.WEIGHT, ParamRole.BIAS),
                m.layout().blocks().stream().map(ParamBlock::role).toList());
    }

    @Test
    void resnetIsAGraphWithBatchNormAndAResidualShape() {
        ModelAdapter r = Models.byName("resnet", 784, 10, 1);
        assertEquals(ModelAdapter.Kind.GRAPH, r.kind());
        assertTrue(r.batchNorm());
        assertTrue(r.layout().has(ParamRole.RUNNING_STAT));
        assertTrue(r.describe().stream().anyMatch(l -> l.startsWith("s2_add: ElementWiseVertex")), r.describe().toString());
    }
}
