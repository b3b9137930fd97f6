package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import io.lockstep.spark.ml.LockstepClassificationModel;
import io.lockstep.spark.ml.LockstepClassifier;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML estimator trains exactly what {@code lockstep train} trains: the MNIST subset as one parquet
 * file, trained once by the CLI (in-process, its own local[2] context) and once by
 * {@code LockstepClassifier.fit} on the same file read as a DataFrame, with the same seed, B, P and steps;
 * the CLI's {@code model.zip} (read with plain DL4J) and the fitted model's parameters are compared bit for bit.
 */
class EstimatorEqualsCliTest {
    @TempDir
    Path tmp;

    @Test
    void aFitEqualsLockstepTrainOnTheSameRows() throws IOException {
        Dataset train = IdxReader.read(TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz"),
                TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz"), 10);
        Path parquet = SqlInputCliTest.writeParquet(train, tmp.resolve("train.parquet"));
        Path run = tmp.resolve("run");
        CliRunner cli = CliRunner.run("train", "--dataset", "parquet:" + parquet, "--out", run.toString(),
                "--global-batch", "64", "--workers", "2", "--steps", "15", "--optimizer", "nesterov", "--lr", "0.05",
                "--seed", "7", "--master", "local[2]", "--no-progress", "--no-eval-train");
        assertEquals(0, cli.exitCode(), cli.err());
        float[] expected = MultiLayerNetwork.load(run.resolve("model.zip").toFile(), false).params().data().asFloat();

        SparkSession spark = SparkSession.builder().master("local[2]").appName("EstimatorEqualsCliTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            org.apache.spark.sql.Dataset<Row> df = spark.read().parquet(parquet.toString());
            LockstepClassificationModel model = new LockstepClassifier().setGlobalBatch(64).setWorkers(2).setSteps(15)
                    .setOptimizer("nesterov").setLr(0.05).setSeed(7).setEvalTrain(false).fit(df);
            assertArrayEquals(expected, model.parameters(), "LockstepClassifier.fit = lockstep train, bit for bit");
        } finally {
            spark.stop();
        }
    }
}
