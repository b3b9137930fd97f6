package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.ConfigException;
import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import io.lockstep.model.Models;
import io.lockstep.model.PlainDl4j;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.run.DataSpec;
import io.lockstep.run.RunSpec;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.run.Runner;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * {@link Runner#run} of a {@link RunSpec} trains what plain DL4J trains on the same batches (the MNIST
 * subset, P = 2, replicated and sharded placement), and resolving a spec reports bad values by field.
 */
class RunnerEquivalenceTest {
    private static final long SEED = 3;
    private static final int STEPS = 6;
    private static final int BATCH = 64;
    private static Runner runner;
    private static Path images;
    private static Path labels;

    @BeforeAll
    static void start() {
        images = TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz");
        labels = TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz");
        runner = Runner.start("local[2]", "runner-equivalence");
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static RunSpec spec(io.lockstep.data.DataPlacement placement) {
        return RunSpec.builder()
                .data(DataSpec.idx(images.toString(), labels.toString(), 10).withPlacement(placement))
                .train(TrainConfig.builder().globalBatch(BATCH).steps(STEPS).lr(0.05).seed(SEED)
                        .optimizer(OptimizerConfig.nesterov()).divergence(DivergenceConfig.nonFiniteOnly()).build())
                .model("mlp").workers(2).build();
    }

    @Test
    void aRunEqualsPlainDl4jOnTheSameBatches() throws IOException {
        Dataset data = IdxReader.read(images, labels, 10);
        io.lockstep.model.ModelAdapter model = Models.byName("mlp", data.numFeatures(), 10, SEED);
        float[] reference = PlainDl4j.train(model, data, BATCH, 0, SEED, STEPS, new Nesterovs(0.05, 0.9), 0.0, false);
        assertTrue(relativeError(model.initialParams(), reference) > 1e-3, "training moved the parameters");
        for (io.lockstep.data.DataPlacement placement : io.lockstep.data.DataPlacement.values()) {
            float[] ours = runner.run(spec(placement), TrainListener.NONE).result().params();
            double err = relativeError(ours, reference);
            assertTrue(err < 1e-5, placement + ": relative error " + err);
        }
    }

    @Test
    void theSpecsStepTransportIsTheOneThatRuns() throws Exception {
        java.util.List<String> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.spark.SparkContext sc = org.apache.spark.SparkContext.getOrCreate();
        org.apache.spark.scheduler.SparkListener descriptions = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                jobs.add(String.valueOf(start.properties().getProperty("spark.job.description")));
            }
        };
        sc.addSparkListener(descriptions);
        try {
            RunSpec job = spec(io.lockstep.data.DataPlacement.SHARDED).withTransport(StepTransportConfig.job());
            float[] viaJobs = runner.run(job, TrainListener.NONE).result().params();
            float[] viaChannel = runner.run(job.withTransport(StepTransportConfig.channel()), TrainListener.NONE)
                    .result().params();
            sc.listenerBus().waitUntilEmpty();
            assertEquals(1, jobs.stream().filter(d -> d.startsWith("lockstep step channel")).count(), jobs.toString());
            assertArrayEquals(viaJobs, viaChannel);
        } finally {
            sc.removeSparkListener(descriptions);
        }
    }

    /** ‖a − b‖ / ‖b‖. */
    private static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += Math.pow((double) a[i] - b[i], 2);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void resolvingNamesTheFieldOfABadValue() {
        RunSpec tooLarge = spec(io.lockstep.data.DataPlacement.REPLICATED)
                .withTrain(spec(io.lockstep.data.DataPlacement.REPLICATED).train().withGlobalBatch(100_000));
        ConfigException e = assertThrows(ConfigException.class, () -> runner.resolve(tooLarge));
        assertTrue(e.getMessage().startsWith("globalBatch 100000 is larger than the training set"), e.getMessage());
        assertEquals(2, runner.resolve(spec(io.lockstep.data.DataPlacement.SHARDED)).config().workers());
        ConfigException noDir = assertThrows(ConfigException.class,
                () -> Runner.checkpointUri(spec(io.lockstep.data.DataPlacement.SHARDED)));
        assertTrue(noDir.getMessage().contains("checkpointDir"), noDir.getMessage());
    }
}
