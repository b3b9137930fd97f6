package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The built-in models, the JSON loader's checks, the parameter layout and saving. */
class ModelsTest {
    private static final int MLP_784_10 = 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10;
    /** conv 5x5x1→6, conv 5x5x6→16 (28→24→12→8→4), dense 4·4·16→120, dense 120→84, output 84→10. */
    private static final int LENET_784_10 = (25 * 6 + 6) + (25 * 6 * 16 + 16) + (256 * 120 + 120) + (120 * 84 + 84)
            + (84 * 10 + 10);

    @TempDir
    Path dir;

    @Test
    void mlpBuildsForMnistShapeWithExpectedParameterCount() {
        ModelAdapter mlp = Models.byName("mlp", 784, 10, 1);
        assertEquals(MLP_784_10, mlp.numParams());
        assertEquals(MLP_784_10, mlp.initialParams().length);
        assertEquals(784, mlp.numFeatures());
        assertEquals(10, mlp.numClasses());
        assertEquals(3, mlp.describe().size());
    }

    @Test
    void lenetBuildsForMnistShapeWithExpectedParameterCount() {
        ModelAdapter lenet = Models.resolve("lenet", 784, 10, 1);
        assertEquals(LENET_784_10, lenet.numParams());
        assertEquals(7, lenet.describe().size());
    }

    @ParameterizedTest(name = "{0} features")
    @ValueSource(ints = {30, 783, 100})
    void lenetRejectsNonSquareOrTinyImages(int features) {
        ModelException e = assertThrows(ModelException.class, () -> Models.byName("lenet", features, 10, 1));
        assertTrue(e.getMessage().contains("lenet") && e.getMessage().contains("square")
                && e.getMessage().contains(features + " features"), e.getMessage());
    }

    @Test
    void unknownModelNameListsTheBuiltIns() {
        ModelException e = assertThrows(ModelException.class, () -> Models.resolve("resnet50", 784, 10, 1));
        assertTrue(e.getMessage().contains("resnet50") && e.getMessage().contains("mlp")
                && e.getMessage().contains("lenet"), e.getMessage());
        ModelException byName = assertThrows(ModelException.class, () -> Models.byName("vgg", 784, 10, 1));
        assertTrue(byName.getMessage().contains("mlp") && byName.getMessage().contains("lenet"), byName.getMessage());
    }

    @Test
    void jsonRoundTripGivesTheSameModel() throws IOException {
        Path file = dir.resolve("mlp.json");
        Files.writeString(file, Models.mlp(20, 3, 9).toJson());
        ModelAdapter loaded = Models.resolve(file.toString(), 20, 3, 0);
        ModelAdapter builtIn = Models.byName("mlp", 20, 3, 9);
        assertEquals(builtIn.numParams(), loaded.numParams());
        assertEquals("mlp.json", loaded.name());
        // The seed travels inside the JSON, so the initialization is the same too.
        assertArrayEquals(builtIn.initialParams(), loaded.initialParams());
    }

    @Test
    void regularizationInsideTheJsonIsRejected() throws IOException {
        String json = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).l2(1e-4).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX).build())
                .build().toJson();
        Path file = dir.resolve("l2.json");
        Files.writeString(file, json);
        ModelException e = assertThrows(ModelException.class, () -> Models.resolve(file.toString(), 20, 3, 0));
        assertTrue(e.getMessage().contains("--l2") && e.getMessage().contains("regularization"), e.getMessage());
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("nope.json");
        ModelException e = assertThrows(ModelException.class, () -> Models.resolve(file.toString(), 20, 3, 0));
        assertTrue(e.getMessage().contains("model file not found") && e.getMessage().contains("nope.json"),
                e.getMessage());
    }

    @Test
    void garbageJsonIsReported() throws IOException {
        Path file = dir.resolve("garbage.json");
        Files.writeString(file, "{ this is : not [ a network");
        ModelException e = assertThrows(ModelException.class, () -> Models.resolve(file.toString(), 20, 3, 0));
        assertTrue(e.getMessage().contains("not a DL4J MultiLayerConfiguration"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one-line message: " + e.getMessage());
    }

    @Test
    void outputSizeMustMatchTheNumberOfClasses() throws IOException {
        Path file = dir.resolve("three.json");
        Files.writeString(file, Models.mlp(20, 3, 1).toJson());
        ModelException e = assertThrows(ModelException.class, () -> Models.resolve(file.toString(), 20, 4, 0));
        assertTrue(e.getMessage().contains("three.json") && e.getMessage().contains("4 classes")
                && e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void paramLayoutMarksBiasesAndWeights() {
        ModelAdapter mlp = Models.byName("mlp", 20, 3, 1);
        List<ParamBlock> blocks = mlp.layout().blocks();
        assertEquals(6, blocks.size());
        int weights = 0;
        int offset = 0;
        for (ParamBlock b : blocks) {
            assertEquals(offset, b.offset(), "contiguous");
            offset = b.end();
            switch (b.name()) {
                case "W" -> {
                    assertFalse(b.bias(), b.toString());
                    weights += b.length();
                }
                case "b" -> assertTrue(b.bias(), b.toString());
                default -> throw new AssertionError("unexpected block " + b);
            }
        }
        assertEquals(mlp.numParams(), mlp.layout().numParams());
        assertEquals(20 * 256 + 256 * 256 + 256 * 3, weights);
        assertEquals(List.of(20 * 256, 256, 256 * 256, 256, 256 * 3, 3),
                blocks.stream().map(ParamBlock::length).toList());
        boolean[] mask = mlp.layout().weightMask();
        int trues = 0;
        for (boolean m : mask) {
            trues += m ? 1 : 0;
        }
        assertEquals(weights, trues);
        // The bias of layer 0 sits right after its weights and is masked out.
        assertFalse(mask[20 * 256]);
        assertTrue(mask[20 * 256 - 1]);
    }

    @Test
    void paramLayoutAgreesWithDl4jParamTable() {
        ModelAdapter lenet = Models.byName("lenet", 256, 4, 2);
        MultiLayerNetwork net = lenet.toNetwork(lenet.initialParams());
        float[] flat = net.params().toFloatVector();
        assertEquals(net.paramTable().size(), lenet.layout().blocks().size());
        for (ParamBlock b : lenet.layout().blocks()) {
            INDArray table = net.getParam(b.layer() + "_" + b.name());
            assertEquals(b.length(), table.length(), b.toString());
            assertEquals(b.name().equals("b"), b.bias(), b.toString());
            // Order-free fingerprint (DL4J stores some weights in 'f' order inside the flat vector).
            double sum = 0;
            double sq = 0;
            for (int i = b.offset(); i < b.end(); i++) {
                sum += flat[i];
                sq += (double) flat[i] * flat[i];
            }
            assertEquals(table.sumNumber().doubleValue(), sum, 1e-4, b.toString());
            assertEquals(table.mul(table).sumNumber().doubleValue(), sq, 1e-4 * Math.max(1, sq), b.toString());
        }
    }

    @Test
    void saveWritesAZipThatPlainDl4jLoads() throws IOException {
        ModelAdapter mlp = Models.byName("mlp", 20, 3, 1);
        float[] params = mlp.initialParams();
        for (int i = 0; i < params.length; i++) {
            params[i] += 1e-3f * (i % 17);
        }
        Path file = dir.resolve("out").resolve("model.zip");
        mlp.save(params, file);
        mlp.save(params, file); // overwriting an existing model works too
        MultiLayerNetwork loaded = MultiLayerNetwork.load(file.toFile(), false);
        assertArrayEquals(params, loaded.params().toFloatVector());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }
}
