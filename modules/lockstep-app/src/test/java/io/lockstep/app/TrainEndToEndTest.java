package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains the MLP on a fixed MNIST subset (first 6,000 training / 1,000 test images, committed under
 * test resources) through the real CLI entry point on local[2] with 2 workers, and checks the run
 * directory. A trainer that does not learn (e.g. wrong averaging or a lost update) stays near 10%.
 */
class TrainEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void trainsMnistSubsetThroughTheCli() throws Exception {
        Path out = tmp.resolve("run");
        CliRunner r = CliRunner.run("train", "--no-progress", "--master", "local[2]", "--workers", "2",
                "--global-batch", "64", "--epochs", "2", "--lr", "0.002", "--out", out.toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString(),
                "--test-images", TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz").toString(),
                "--test-labels", TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz").toString());
        assertEquals(0, r.exitCode(), r.err());

        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        double accuracy = run.at("/result/test_accuracy").asDouble();
        System.out.printf("MNIST subset, 2 epochs, P=2, B=64: test accuracy %.4f%n", accuracy);
        assertTrue(accuracy >= 0.85, "test accuracy " + accuracy);
        assertEquals(2, run.at("/derived/workers").asInt());
        assertEquals(93, run.at("/derived/steps_per_epoch").asInt());
        assertEquals(64, run.at("/config/globalBatch").asInt());

        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        long steps = lines.stream().filter(l -> l.contains("\"type\":\"step\"")).count();
        long testEvals = lines.stream().filter(l -> l.contains("\"type\":\"eval\",\"set\":\"test\"")).count();
        long trainEvals = lines.stream().filter(l -> l.contains("\"type\":\"eval\",\"set\":\"train\"")).count();
        assertEquals(186, steps);
        assertEquals(2, testEvals, "one test evaluation per epoch");
        assertEquals(2, trainEvals, "one training-set evaluation per epoch");
        JsonNode first = JSON.readTree(lines.get(0));
        for (String field : List.of("step", "epoch", "examples", "loss", "lr", "grad_norm", "step_ms", "update_ratio",
                "b_simple", "overhead_ms")) {
            assertTrue(first.has(field), "metrics line lacks " + field);
        }

        MultiLayerNetwork net = MultiLayerNetwork.load(out.resolve("model.zip").toFile(), false);
        assertEquals(java.nio.file.Files.getPosixFilePermissions(out.resolve("run.json")),
                java.nio.file.Files.getPosixFilePermissions(out.resolve("model.zip")),
                "model.zip gets the same permissions as the run's other files");
        assertEquals(run.at("/model/params").asLong(), net.numParams());
    }
}
