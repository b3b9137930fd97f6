package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.grad.GradientSum;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.GradientWorker;
import io.lockstep.model.ModelAdapter;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.optim.ParameterUpdate;
import io.lockstep.schedule.LrSchedule;
import io.lockstep.schedule.LrScaling;
import io.lockstep.schedule.ScheduleConfig;
import io.lockstep.train.GradientClipping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * "Distributed equals local" for the large-batch toolkit (LARS, LAMB, warmup + cosine + momentum
 * correction with linear LR scaling, gradient clipping, micro-batch accumulation). DL4J has no LARS or
 * LAMB, so the reference is a single-process loop written here from the library's building blocks:
 * per step, ONE forward/backward pass over all B examples of {@link BatchPlan}'s batch (the whole data
 * set treated as one shard), divided by B, clipped with {@link GradientClipping}, then one
 * {@link ParameterUpdate#apply} at {@code config.schedule(total).lr(step)}. The trainer must match it
 * for P = 2, 4 and an uneven split (B = 30 over P = 4).
 */
class LargeBatchEquivalenceTest {
    private static final long SEED = 7;
    private static final int STEPS = 10;
    private static final double TOLERANCE = 1e-5;
    /** See DistributedEqualsLocalTest: eps = 1e-8 lets float rounding flip near-zero Adam steps. */
    private static final double ADAM_EPSILON = 1e-6;
    /** Below the measured global gradient norms of the Adam run (~0.35–1.3), so clipping is active. */
    private static final double CLIP_NORM = 0.5;
    /**
     * Equivalence must not depend on the divergence guard's default threshold: only NaN/Inf halts here
     * (every run is also checked to apply all its steps).
     */
    private static final DivergenceConfig NAN_ONLY = DivergenceConfig.halt().withLossFactor(1e9);

    /** The reference does not depend on P: computed once per (setup, B). */
    private static final Map<String, Reference> REFERENCES = new HashMap<>();

    /** Shards per worker count, distributed once (the trainer never modifies them). */
    private static final Map<Integer, ShardedDataset> SHARDS = new HashMap<>();

    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "large-batch-equivalence");
        data = Synthetic.blobs(250, 12, 3, 11);
        model = tinyMlp(data.numFeatures(), data.numClasses(), SEED);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        int[][] splits = {{2, 32}, {4, 32}, {4, 30}};
        for (String setup : new String[] {"lars", "lamb", "nesterov-warmup-cosine", "adam-clip"}) {
            for (int[] s : splits) {
                cases.add(Arguments.of(setup, s[0], s[1]));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0}: P={1}, B={2}")
    @MethodSource("cases")
    void distributedEqualsSingleProcessReference(String setup, int workers, int globalBatch) {
        TrainConfig config = config(setup, workers, globalBatch);
        Recorder steps = new Recorder();
        float[] ours = train(config, steps);
        Reference ref = REFERENCES.computeIfAbsent(setup + "/" + globalBatch, k -> reference(config));
        double err = Dl4jReference.relativeError(ours, ref.params);
        System.out.printf("%s P=%d B=%d relative error %.3g (clipped steps: trainer %d, reference %d)%n", setup,
                workers, globalBatch, err, steps.clippedSteps(), ref.clippedSteps);
        assertTrue(err < TOLERANCE, setup + " P=" + workers + " B=" + globalBatch + ": relative error " + err);
        assertTrue(Dl4jReference.relativeError(model.initialParams(), ref.params) > 1e-3,
                "training must have moved the parameters");
        assertEquals(STEPS, steps.all.size());
        LrSchedule schedule = config.schedule(STEPS);
        for (StepMetrics m : steps.all) {
            assertEquals(schedule.lr(m.step()), m.stats().lr(), 0.0, "lr of step " + m.step());
        }
        if (setup.equals("adam-clip")) {
            assertTrue(steps.clippedSteps() > 0, "--clip-norm " + CLIP_NORM + " never clipped");
            assertEquals(ref.clippedSteps, steps.clippedSteps(), "trainer and reference clip on the same steps");
        } else {
            assertEquals(0, steps.clippedSteps(), "no clipping configured");
        }
    }

    @Test
    void warmupCosineScheduleIsReallyExercised() {
        TrainConfig config = config("nesterov-warmup-cosine", 2, 32);
        LrSchedule s = config.schedule(STEPS);
        assertEquals(0.01, s.lr(0), 1e-15, "warmup starts at the reference lr");
        assertEquals(0.04, s.lr(4), 1e-15, "peak = linear scaling 0.01 * 32 / 8");
        assertTrue(s.lr(9) < s.lr(6) && s.lr(6) < s.lr(4), "cosine decays after warmup");
    }

    @Test
    void microBatchAccumulationGivesTheSameUpdates() {
        TrainConfig base = TrainConfig.builder().globalBatch(32).workers(2).steps(STEPS).lr(0.05)
                .optimizer(OptimizerConfig.nesterov()).divergence(NAN_ONLY).seed(SEED).build();
        Recorder off = new Recorder();
        Recorder on = new Recorder();
        float[] whole = train(base, off);
        float[] micro = train(base.toBuilder().microBatch(5).build(), on);
        assertEquals(STEPS, off.all.size());
        assertEquals(STEPS, on.all.size());
        double err = Dl4jReference.relativeError(micro, whole);
        double errRef = Dl4jReference.relativeError(micro, reference(base).params);
        System.out.printf("micro-batch 5 vs 0, P=2 B=32: relative error %.3g (vs reference %.3g)%n", err, errRef);
        assertTrue(err < TOLERANCE, "micro-batch 5 vs 0: relative error " + err);
        assertTrue(errRef < TOLERANCE, "micro-batch 5 vs reference: relative error " + errRef);
        for (int i = 0; i < STEPS; i++) {
            assertEquals(off.all.get(i).loss(), on.all.get(i).loss(), 1e-5, "loss of step " + i);
        }
    }

    @Test
    void microBatchingDefinesTheNoiseScaleWithOneWorker() {
        TrainConfig single = TrainConfig.builder().globalBatch(32).workers(1).steps(4).lr(0.05)
                .optimizer(OptimizerConfig.sgd()).divergence(NAN_ONLY).seed(SEED).build();
        Recorder plain = new Recorder();
        train(single, plain);
        assertEquals(4, plain.all.size());
        for (StepMetrics m : plain.all) {
            assertFalse(m.stats().noise().stepDefined(), "P=1 without micro-batches has K=1: step " + m.step());
            assertTrue(Double.isNaN(m.stats().noise().bSimple()));
        }
        Recorder micro = new Recorder();
        train(single.toBuilder().microBatch(5).build(), micro); // 32 = 6 x 5 + 2: K = 7 small batches
        assertEquals(4, micro.all.size());
        for (StepMetrics m : micro.all) {
            assertTrue(m.stats().noise().stepDefined(), "K >= 2 micro-batches must define step " + m.step());
            assertTrue(Double.isFinite(m.stats().noise().traceSigma()));
            assertTrue(Double.isFinite(m.stats().noise().emaTraceSigma()));
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Dense 12-32-32-3 (ReLU, softmax + MCXENT), seeded: three weight and three bias blocks for LARS/LAMB. */
    static ModelAdapter tinyMlp(int features, int classes, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU).updater(new NoOp()).list()
                .layer(new DenseLayer.Builder().nIn(features).nOut(32).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(32).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .build();
        return ModelAdapter.of("tiny-mlp", conf, features, classes);
    }

    private static TrainConfig config(String setup, int workers, int globalBatch) {
        TrainConfig.Builder b = TrainConfig.builder().globalBatch(globalBatch).workers(workers).steps(STEPS).seed(SEED)
                .divergence(NAN_ONLY);
        return switch (setup) {
            case "lars" -> b.lr(1.0).optimizer(OptimizerConfig.lars().withTrustCoefficient(0.02).withWeightDecay(1e-4))
                    .build();
            case "lamb" -> b.lr(0.01).optimizer(OptimizerConfig.lamb().withWeightDecay(0.01)).build();
            case "nesterov-warmup-cosine" -> b.lr(0.01).lrScaling(LrScaling.LINEAR).referenceBatch(8)
                    .schedule(ScheduleConfig.constant().withDecay(ScheduleConfig.Decay.COSINE)
                            .withWarmup(ScheduleConfig.Warmup.GRADUAL, 4))
                    .optimizer(OptimizerConfig.nesterov().withMomentumCorrection(true)).build();
            case "adam-clip" -> b.lr(0.01).optimizer(OptimizerConfig.adam().withEpsilon(ADAM_EPSILON))
                    .clipNorm(CLIP_NORM).build();
            default -> throw new IllegalArgumentException(setup);
        };
    }

    private static float[] train(TrainConfig config, TrainListener listener) {
        ShardedDataset shards = SHARDS.computeIfAbsent(config.workers(), p -> ShardedDataset.distribute(sc, data, p));
        return new SyncTrainer(sc, model, config).fit(shards, listener).params();
    }

    private record Reference(float[] params, int clippedSteps) {}

    /** Single process, no Spark: the whole global batch in one gradient call per step. */
    private static Reference reference(TrainConfig config) {
        BatchPlan plan = new BatchPlan(data.size(), config.globalBatch(), config.seed());
        long total = config.totalSteps(plan.stepsPerEpoch());
        LrSchedule schedule = config.schedule(total);
        ParameterUpdate update = new ParameterUpdate(config.optimizer(), model.layout());
        GradientWorker worker = model.newWorker();
        float[] params = model.initialParams();
        int clipped = 0;
        for (long step = 0; step < total; step++) {
            int[] batch = plan.batch(step);
            GradientSum sum = worker.gradientSum(params, data.features(), data.labels(), batch);
            assertEquals(batch.length, sum.count());
            float[] mean = new float[params.length];
            float b = batch.length;
            for (int i = 0; i < mean.length; i++) {
                mean[i] = sum.gradientSum()[i] / b;
            }
            if (GradientClipping.clip(mean, GradientClipping.norm(mean), config.clipNorm())) {
                clipped++;
            }
            update.apply(params, mean, schedule.lr(step), step);
        }
        return new Reference(params, clipped);
    }

    static final class Recorder implements TrainListener {
        final List<StepMetrics> all = new ArrayList<>();

        @Override
        public void onStep(StepMetrics m) {
            all.add(m);
        }

        int clippedSteps() {
            return (int) all.stream().filter(m -> m.stats().clipped()).count();
        }
    }
}
