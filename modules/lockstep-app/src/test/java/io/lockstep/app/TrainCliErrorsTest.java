package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input through the real CLI entry point: one clear line, a non-zero exit code, no stack trace, nothing written. */
class TrainCliErrorsTest {
    @TempDir
    Path tmp;

    static Path subset(String file) {
        try {
            return Path.of(TrainCliErrorsTest.class.getResource("/mnist-subset/" + file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private CliRunner train(String... extra) {
        String[] base = {"train", "--no-progress", "--out", tmp.resolve("run").toString(),
            "--train-images", subset("train-images-idx3-ubyte.gz").toString(),
            "--train-labels", subset("train-labels-idx1-ubyte.gz").toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRunner.run(args);
    }

    private void assertClean(CliRunner r, int code, String... fragments) {
        assertEquals(code, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
        }
        assertFalse(Files.exists(tmp.resolve("run").resolve("run.json")), "no run may be written on bad input");
    }

    @Test
    void globalBatchBelowWorkers() {
        assertClean(train("--global-batch", "2", "--workers", "4"), Main.EXIT_USAGE, "--global-batch (2)", "--workers (4)");
    }

    @Test
    void nonPositiveLearningRate() {
        assertClean(train("--lr", "0"), Main.EXIT_USAGE, "--lr", "got 0.0");
        assertClean(train("--lr", "-0.1"), Main.EXIT_USAGE, "--lr", "got -0.1");
    }

    @Test
    void badCheckpointInterval() {
        assertClean(train("--checkpoint-every", "-1"), Main.EXIT_USAGE, "--checkpoint-every", "'epoch'", "'-1'");
        assertClean(train("--checkpoint-every", "weekly"), Main.EXIT_USAGE, "--checkpoint-every", "'weekly'");
        assertClean(train("--checkpoint-every", "0", "--checkpoint-dir", tmp.resolve("ck").toUri().toString()),
                Main.EXIT_USAGE, "--checkpoint-dir", "--checkpoint-every 0");
    }

    @Test
    void unknownOptimizer() {
        assertClean(train("--optimizer", "rmsprop"), Main.EXIT_USAGE, "rmsprop", "adam");
    }

    @Test
    void unknownDataPlacement() {
        assertClean(train("--data-placement", "striped"), Main.EXIT_USAGE, "--data-placement",
                "expected replicated or sharded (got 'striped')");
    }

    @Test
    void badStepTransport() {
        assertClean(train("--step-transport", "rdma"), Main.EXIT_USAGE, "--step-transport",
                "must be job, channel or auto (got 'rdma')");
        assertClean(train("--step-transport", "job", "--step-timeout", "60"), Main.EXIT_USAGE, "--step-timeout 60",
                "--step-transport channel or auto only");
        assertClean(train("--step-transport", "channel", "--step-timeout", "0"), Main.EXIT_USAGE, "--step-timeout",
                "got 0");
    }

    @Test
    void unknownModel() {
        assertClean(train("--model", "resnet9000"), Main.EXIT_FAILURE, "unknown model 'resnet9000'", "mlp");
    }

    @Test
    void missingModelFile() {
        assertClean(train("--model", tmp.resolve("nope.json").toString()), Main.EXIT_FAILURE, "nope.json", "not found");
    }

    @Test
    void missingDatasetFiles() {
        assertClean(CliRunner.run("train", "--dataset", "idx", "--out", tmp.resolve("run").toString()),
                Main.EXIT_USAGE, "--train-images", "--train-labels");
        assertClean(CliRunner.run("train", "--out", tmp.resolve("run").toString(),
                "--train-images", tmp.resolve("missing-images.gz").toString(),
                "--train-labels", tmp.resolve("missing-labels.gz").toString()),
                Main.EXIT_FAILURE, "missing-images.gz", "not found");
    }

    @Test
    void unknownDataset() {
        assertClean(CliRunner.run("train", "--dataset", "imagenet", "--out", tmp.resolve("run").toString()),
                Main.EXIT_USAGE, "imagenet");
    }

    @Test
    void wrongMagicInImageFile() throws IOException {
        Path bad = tmp.resolve("bad-images");
        Files.write(bad, new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 5});
        assertClean(CliRunner.run("train", "--out", tmp.resolve("run").toString(), "--train-images", bad.toString(),
                "--train-labels", subset("train-labels-idx1-ubyte.gz").toString()),
                Main.EXIT_FAILURE, "bad-images", "magic");
    }

    @Test
    void imageLabelCountMismatch() {
        assertClean(CliRunner.run("train", "--out", tmp.resolve("run").toString(),
                "--train-images", subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", subset("t10k-labels-idx1-ubyte.gz").toString()),
                Main.EXIT_FAILURE, "6000", "1000");
    }

    @Test
    void labelOutOfRangeForClasses() {
        assertClean(train("--classes", "5"), Main.EXIT_FAILURE, "train-labels-idx1-ubyte.gz", "5");
    }

    @Test
    void keepCheckpointsBelowOne() {
        assertClean(train("--keep-checkpoints", "0"), Main.EXIT_USAGE, "--keep-checkpoints must be at least 1 (got 0)");
    }

    /** 2 workers × 4 × 269,322 bytes of gradient sums per step do not fit a 1 MiB maxResultSize. */
    @Test
    void resultsAboveMaxResultSizeAreRefusedBeforeTheRunStarts() {
        System.setProperty("spark.driver.maxResultSize", "1m"); // the command's SparkConf reads spark.* properties
        try {
            CliRunner r = train("--workers", "2", "--master", "local[2]", "--steps", "2");
            assertClean(r, Main.EXIT_USAGE, "preflight: each step returns 4 × 269,322 parameters × 2 workers",
                    "above spark.driver.maxResultSize=1m; set spark.driver.maxResultSize=");
            assertEquals(1, r.err().strip().lines().count(), r.err());
        } finally {
            System.clearProperty("spark.driver.maxResultSize");
        }
    }

    @Test
    void epochsAndStepsTogether() {
        assertClean(train("--epochs", "1", "--steps", "10"), Main.EXIT_USAGE, "--epochs", "--steps");
    }

    @Test
    void existingRunIsNotOverwritten() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("run.json"), "{\"keep\": true}");
        CliRunner r = train();
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("already contains a run"), r.err());
        assertEquals("{\"keep\": true}", Files.readString(run.resolve("run.json")));
    }

    @Test
    void unknownFlagIsAUsageError() {
        CliRunner r = CliRunner.run("train", "--global-bach", "64");
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("--global-bach"), r.err());
        assertFalse(r.showsStackTrace(), r.err());
    }
}
