package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --batch-growth-factor}/{@code --batch-growth-every} through the CLI on the MNIST subset
 * (6,000 training images): B = 1500 doubled every epoch for 3 epochs is 4 steps of 1500, 2 of 3000 and
 * 1 of 6000; bad values are usage errors naming the option.
 */
class BatchGrowthCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theBatchGrowsEveryEpochAndRunJsonDescribesIt() throws IOException {
        Path out = tmp.resolve("grow");
        CliRunner r = CliRunner.run("train", "--no-progress", "--master", "local[2]", "--workers", "2",
                "--no-eval-train", "--out", out.toString(),
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString(),
                "--global-batch", "1500", "--epochs", "3", "--optimizer", "sgd", "--lr", "0.05",
                "--batch-growth-factor", "2", "--batch-growth-every", "1");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode derived = JSON.readTree(out.resolve("run.json").toFile()).path("derived");
        assertEquals(7, derived.path("total_steps").asInt(), derived.toString());
        assertTrue(derived.path("batch_schedule").asText().startsWith("1500 x2 every 1 epoch"), derived.toString());
        List<JsonNode> steps = LargeBatchCliTest.lines(out, "step");
        long[] examples = {1500, 3000, 4500, 6000, 9000, 12000, 18000};
        int[] epochs = {0, 0, 0, 0, 1, 1, 2};
        assertEquals(examples.length, steps.size());
        for (int i = 0; i < examples.length; i++) {
            assertEquals(examples[i], steps.get(i).path("examples").asLong(), "examples after step " + i);
            assertEquals(epochs[i], steps.get(i).path("epoch").asInt(), "epoch of step " + i);
        }
    }

    @Test
    void aFactorOfOneIsAUsageErrorNamingTheOption() {
        CliRunner r = LargeBatchCliTest.train(tmp.resolve("bad"), "--epochs", "1", "--batch-growth-factor", "1");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--batch-growth-factor") && r.err().contains("(got 1)"), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        assertFalse(Files.exists(tmp.resolve("bad").resolve("run.json")));
    }
}
