package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The core promise: N synchronized steps with P workers equal N steps of plain single-process DL4J
 * {@code fit} on the same global batches, for P = 1, 2, 3, 4, uneven splits and both data placements. The divergence guard
 * only checks for NaN/Inf here: plain DL4J has no guard, and SGD at lr 0.05 on these blobs raises the
 * loss 4x in its first steps, which the default blow-up rule would (rightly) stop.
 */
class DistributedEqualsLocalTest {
    private static final long SEED = 7;
    private static final int STEPS = 12;
    private static final double TOLERANCE = 1e-5;
    /**
     * Adam's update m/(sqrt(v)+eps) is ill-conditioned for elements whose gradient is within float
     * rounding of zero (|g| below ~eps): the summation order of a distributed gradient can flip such
     * an element's sign and move it by up to ~lr/10. With DL4J's default eps = 1e-8 this happens to
     * exactly one of 70k weights in two of the cases below (measured: norm-wise 5e-5, one element off by
     * 1.8e-3, every other element within 1e-4); eps = 1e-6 moves the ill-conditioned region below float
     * rounding. {@link #adamWithDefaultEpsilonStaysWithinFloatConditioning} records the default case.
     */
    private static final double ADAM_EPSILON = 1e-6;

    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(4, "distributed-equals-local");
        data = Synthetic.blobs(250, 12, 3, 11);
        model = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        int[][] splits = {{1, 32}, {2, 32}, {4, 32}, {4, 30}, {3, 31}, {1, 30}};
        for (DataPlacement placement : DataPlacement.values()) {
            for (String opt : new String[] {"sgd", "nesterov", "adam"}) {
                for (int[] s : splits) {
                    cases.add(Arguments.of(opt, s[0], s[1], placement));
                }
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0}: P={1}, B={2}, {3}")
    @MethodSource("cases")
    void distributedEqualsSingleProcessDl4j(String optimizer, int workers, int globalBatch, DataPlacement placement) {
        TrainConfig config = TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(globalBatch).workers(workers).steps(STEPS)
                .lr(lr(optimizer)).optimizer(optimizerConfig(optimizer)).seed(SEED).build();
        float[] ours = train(config, placement);
        float[] reference = Dl4jReference.train(model, data, globalBatch, SEED, STEPS, dl4jUpdater(optimizer), 0.0);
        double err = Dl4jReference.relativeError(ours, reference);
        System.out.printf("%s P=%d B=%d %s relative error %.3g%n", optimizer, workers, globalBatch, placement, err);
        assertTrue(err < TOLERANCE, optimizer + " P=" + workers + " B=" + globalBatch + ": relative error " + err);
        assertTrue(Dl4jReference.relativeError(model.initialParams(), reference) > 1e-3,
                "training must have moved the parameters");
    }

    @Test
    void l2IsAppliedOnceOnTheDriver() {
        double l2 = 1e-2;
        TrainConfig config = TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(32).workers(4).steps(STEPS).lr(0.05)
                .optimizer(OptimizerConfig.nesterov().withL2(l2)).seed(SEED).build();
        float[] ours = train(config);
        float[] reference = Dl4jReference.train(model, data, 32, SEED, STEPS, new Nesterovs(0.05, 0.9), l2);
        double err = Dl4jReference.relativeError(ours, reference);
        assertTrue(err < TOLERANCE, "relative error with L2 " + err);
    }

    @Test
    void adamWithDefaultEpsilonStaysWithinFloatConditioning() {
        TrainConfig config = TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(30).workers(4).steps(STEPS).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        float[] ours = train(config);
        float[] reference = Dl4jReference.train(model, data, 30, SEED, STEPS, new Adam(1e-2), 0.0);
        int off = 0;
        for (int i = 0; i < ours.length; i++) {
            if (Math.abs(ours[i] - reference[i]) > 1e-4) {
                off++;
            }
        }
        double err = Dl4jReference.relativeError(ours, reference);
        System.out.printf("adam eps=1e-8 P=4 B=30 relative error %.3g, elements off by > 1e-4: %d%n", err, off);
        assertTrue(err < 1e-4, "relative error " + err);
        assertTrue(off <= 3, off + " elements differ by more than 1e-4");
    }

    @Test
    void rerunsAreBitIdentical() {
        TrainConfig config = TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(30).workers(4).steps(5).lr(1e-2)
                .optimizer(OptimizerConfig.adam()).seed(SEED).build();
        assertArrayEquals(train(config), train(config));
    }

    private static float[] train(TrainConfig config) {
        return train(config, DataPlacement.SHARDED);
    }

    private static float[] train(TrainConfig config, DataPlacement placement) {
        ShardedDataset shards = placement == DataPlacement.REPLICATED ? ShardedDataset.replicate(sc, data, config.workers())
                : ShardedDataset.distribute(sc, data, config.workers());
        try {
            return new SyncTrainer(sc, model, config).fit(shards, TrainListener.NONE).params();
        } finally {
            shards.release();
        }
    }

    private static double lr(String optimizer) {
        return optimizer.equals("adam") ? 1e-2 : 0.05;
    }

    private static OptimizerConfig optimizerConfig(String optimizer) {
        return switch (optimizer) {
            case "sgd" -> OptimizerConfig.sgd();
            case "nesterov" -> OptimizerConfig.nesterov();
            default -> OptimizerConfig.adam().withEpsilon(ADAM_EPSILON);
        };
    }

    private static IUpdater dl4jUpdater(String optimizer) {
        return switch (optimizer) {
            case "sgd" -> new Sgd(0.05);
            case "nesterov" -> new Nesterovs(0.05, 0.9);
            default -> new Adam(1e-2, 0.9, 0.999, ADAM_EPSILON);
        };
    }
}
