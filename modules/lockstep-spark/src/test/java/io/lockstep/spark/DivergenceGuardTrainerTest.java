package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.data.HoldOut;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.schedule.LrSchedule;
import io.lockstep.schedule.ScheduleConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trainer's divergence guard (halt, rollback), early stopping and noise-scale telemetry, on tiny
 * synthetic data with the 12-32-32-3 MLP of {@link LargeBatchEquivalenceTest#tinyMlp}.
 *
 * <p>Measured on this setup (SGD, B = 32, P = 2): lr 100 gives losses 2.64, 18.7, 13.0, 16.5 and a NaN
 * loss at step 4; lr 3 with blow-up factor 5 trips the factor rule instead (loss 20.1 at step 3).
 * A constant warmup (8 steps at 0.05, loss down to ~0.1) followed by lr 10 blows up at step 9
 * (loss 17.3 > 10 × smoothed minimum); rolling back with factor 0.1 recovers after two rollbacks.
 */
class DivergenceGuardTrainerTest {
    private static final long SEED = 7;
    /** For the tests that are not about divergence: independent of the guard's default threshold. */
    private static final DivergenceConfig NAN_ONLY = DivergenceConfig.halt().withLossFactor(1e9);

    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;
    private static ShardedDataset shards2;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "divergence-guard-trainer");
        data = Synthetic.blobs(250, 12, 3, 11);
        model = LargeBatchEquivalenceTest.tinyMlp(data.numFeatures(), data.numClasses(), SEED);
        shards2 = ShardedDataset.distribute(sc, data, 2);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /**
     * HALT: exactly one event, at the first step that breaks the documented rule (recomputed here from
     * the recorded losses); the returned parameters are the last good ones.
     *
     * <p>"Last good" is the state whose loss was checked and accepted: the loss of step s is measured at
     * the parameters after s updates, so when step s diverges the parameters after s updates are the bad
     * ones and the trainer returns those after s − 1 updates ({@code event.restoredStep() == s − 1},
     * {@code result.steps() == s − 1}), bit-identical to a run configured with {@code steps = s − 1}.
     */
    @ParameterizedTest(name = "lr {0}, factor {1}")
    @CsvSource({"100, 10", "3, 5"})
    void haltStopsAtTheFirstBadStepAndKeepsTheLastGoodParameters(double lr, double factor) {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(30).lr(lr)
                .optimizer(OptimizerConfig.sgd()).divergence(DivergenceConfig.halt().withLossFactor(factor))
                .seed(SEED).build();
        Recorder rec = new Recorder();
        TrainResult result = new SyncTrainer(sc, model, config).fit(shards2, rec);

        assertEquals(TrainResult.Outcome.DIVERGED, result.outcome());
        assertEquals(1, result.divergences().size());
        assertEquals(result.divergences(), rec.divergences);
        DivergenceEvent event = result.divergences().get(0);
        System.out.printf("halt, SGD lr %s factor %s: losses %s, diverged at step %d (loss %s, %s)%n", lr, factor,
                rec.losses(), event.step(), event.loss(), event.reason());
        assertEquals("halt", event.action());
        assertEquals(lr, event.lr(), 0.0);
        assertEquals(32, event.globalBatch());
        assertTrue(event.step() >= 2, "the setup must diverge after a few good steps, not at once: " + event);

        // every accepted step precedes the event, in order, and passes the rule; the event's loss breaks it
        assertEquals(event.step(), rec.steps.size());
        RuleCheck rule = new RuleCheck(factor);
        for (int i = 0; i < rec.steps.size(); i++) {
            StepMetrics m = rec.steps.get(i);
            assertEquals(i, m.step());
            assertFalse(rule.diverges(m.loss()), "accepted step " + i + " with loss " + m.loss() + " breaks the rule");
            rule.accept(m.loss());
        }
        assertTrue(rule.diverges(event.loss()), "the event's loss " + event.loss() + " does not break the rule");

        // the last good state: after event.step() - 1 updates
        assertEquals(event.step() - 1, event.restoredStep());
        assertEquals(event.restoredStep(), result.steps());
        for (float p : result.params()) {
            assertTrue(Float.isFinite(p));
        }
        float[] shorter = new SyncTrainer(sc, model, config.withSteps(result.steps())).fit(shards2, TrainListener.NONE)
                .params();
        assertArrayEquals(shorter, result.params(), "halted params must equal a run of " + result.steps() + " steps");
    }

    @Test
    void rollbackRecoversWithASmallerLearningRate() {
        // 8 steps at 0.05 (constant warmup), then a jump to 10: a blow-up Goyal et al.'s gradual warmup avoids
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(20).lr(10)
                .optimizer(OptimizerConfig.sgd())
                .schedule(ScheduleConfig.constant().withWarmup(ScheduleConfig.Warmup.CONSTANT, 8).withWarmupStartLr(0.05))
                .divergence(new DivergenceConfig(DivergenceConfig.Policy.ROLLBACK, 10, 5, 0.1)).seed(SEED).build();
        LrSchedule schedule = config.schedule(20);
        Recorder rec = new Recorder();
        TrainResult result = new SyncTrainer(sc, model, config).fit(shards2, rec);

        System.out.printf("rollback: %d event(s) %s%n", rec.divergences.size(), rec.divergences);
        assertEquals(TrainResult.Outcome.COMPLETED, result.outcome());
        assertFalse(result.divergences().isEmpty());
        assertEquals(result.divergences(), rec.divergences);
        double factor = 1.0;
        for (DivergenceEvent e : result.divergences()) {
            assertEquals("rollback", e.action());
            assertEquals(schedule.lr(e.step()) * factor, e.lr(), 1e-12 * e.lr(), "lr the bad step would have used");
            factor *= 0.1;
            assertEquals(factor, e.lrFactor(), 1e-12 * factor);
            assertEquals(e.step() - 1, e.restoredStep());
        }
        assertEquals(20, result.steps());
        assertEquals(19, rec.steps.get(rec.steps.size() - 1).step());
        for (float p : result.params()) {
            assertTrue(Float.isFinite(p));
        }
        // the learning rate of every applied step: schedule x the factor in force at that moment
        int next = 0;
        double inForce = 1.0;
        for (Object o : rec.timeline) {
            if (o instanceof DivergenceEvent e) {
                inForce = e.lrFactor();
                next = (int) e.restoredStep();
            } else {
                StepMetrics m = (StepMetrics) o;
                assertEquals(next, m.step(), "steps resume at the restored step and run consecutively");
                assertEquals(schedule.lr(m.step()) * inForce, m.stats().lr(), 1e-12 * m.stats().lr(),
                        "lr of step " + m.step());
                next++;
            }
        }
        assertTrue(inForce < 1.0);
    }

    @Test
    void earlyStoppingKeepsTheParametersOfTheBestValidationLoss() {
        Dataset noisy = withLabelNoise(Synthetic.blobs(120, 12, 3, 5), 0.3, 1);
        HoldOut split = HoldOut.split(noisy, 0.5, 3);
        ShardedDataset train = ShardedDataset.distribute(sc, split.train(), 2);
        ShardedDataset validation = ShardedDataset.distribute(sc, split.validation(), 2);
        try {
            TrainConfig config = TrainConfig.builder().globalBatch(20).workers(2).epochs(30).lr(0.05)
                    .optimizer(OptimizerConfig.adam()).earlyStoppingPatience(1).divergence(NAN_ONLY).seed(SEED).build();
            Recorder rec = new Recorder();
            SyncTrainer trainer = new SyncTrainer(sc, model, config);
            TrainResult result = trainer.fit(train, EvalSets.none().with(EvalSets.VALIDATION, validation), rec);

            List<Double> losses = rec.evals.stream().map(EvalMetrics::loss).toList();
            System.out.printf("early stopping: validation losses %s%n", losses);
            assertEquals(TrainResult.Outcome.EARLY_STOPPED, result.outcome());
            assertEquals(rec.evals, result.evaluations());
            assertTrue(losses.size() < 30, "stopped before the last epoch");
            int best = 0;
            for (int i = 1; i < losses.size(); i++) {
                if (losses.get(i) < losses.get(best)) {
                    best = i;
                }
            }
            assertEquals(losses.size() - 2, best, "patience 1: the stop comes one evaluation after the best");
            assertEquals(3L * losses.size(), result.steps(), "3 steps per epoch");

            assertNotNull(result.bestParams());
            double bestLoss = trainer.evaluate(EvalSets.VALIDATION, validation, result.bestParams(), 0, 0).loss();
            assertEquals(losses.get(best), bestLoss, 0.0, "bestParams must be the parameters of the best evaluation");
            double finalLoss = trainer.evaluate(EvalSets.VALIDATION, validation, result.params(), 0, 0).loss();
            assertEquals(losses.get(losses.size() - 1), finalLoss, 0.0);
            assertTrue(finalLoss > bestLoss);
        } finally {
            train.release();
            validation.release();
        }
    }

    @Test
    void noiseScaleIsDefinedWithSeveralWorkersAndNaNWithOne() {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(4).steps(10).lr(0.01)
                .optimizer(OptimizerConfig.adam()).divergence(NAN_ONLY).seed(SEED).build();
        ShardedDataset shards4 = ShardedDataset.distribute(sc, data, 4);
        ShardedDataset shards1 = ShardedDataset.distribute(sc, data, 1);
        try {
            Recorder four = new Recorder();
            new SyncTrainer(sc, model, config).fit(shards4, four);
            double bSimple = four.steps.get(four.steps.size() - 1).stats().noise().bSimple();
            System.out.printf("noise scale P=4 B=32 after 10 steps: B_simple %.3g%n", bSimple);
            assertEquals(10, four.steps.size());
            assertTrue(Double.isFinite(bSimple) && bSimple > 0, "B_simple " + bSimple);

            Recorder one = new Recorder();
            new SyncTrainer(sc, model, config.withWorkers(1)).fit(shards1, one);
            assertEquals(10, one.steps.size());
            for (StepMetrics m : one.steps) {
                assertTrue(Double.isNaN(m.stats().noise().bSimple()), "P=1, no micro-batches: step " + m.step());
                assertFalse(m.stats().noise().stepDefined());
            }
        } finally {
            shards4.release();
            shards1.release();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The divergence rule as DivergenceConfig documents it, re-implemented independently. */
    private static final class RuleCheck {
        private final double factor;
        private double first = Double.NaN;
        private double smoothed = Double.NaN;
        private double min = Double.POSITIVE_INFINITY;

        RuleCheck(double factor) {
            this.factor = factor;
        }

        boolean diverges(double loss) {
            return !Double.isFinite(loss) || (min < Double.POSITIVE_INFINITY && loss > factor * min && loss > first);
        }

        void accept(double loss) {
            if (Double.isNaN(first)) {
                first = loss;
                smoothed = loss;
            } else {
                smoothed = 0.9 * smoothed + 0.1 * loss;
            }
            min = Math.min(min, smoothed);
        }
    }

    private static Dataset withLabelNoise(Dataset d, double fraction, long seed) {
        Random rng = new Random(seed);
        int[] labels = d.labels().clone();
        for (int i = 0; i < labels.length; i++) {
            if (rng.nextDouble() < fraction) {
                labels[i] = rng.nextInt(d.numClasses());
            }
        }
        return new Dataset("noisy " + d.name(), d.features(), labels, d.numFeatures(), d.numClasses());
    }

    private static final class Recorder implements TrainListener {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<EvalMetrics> evals = new ArrayList<>();
        final List<DivergenceEvent> divergences = new ArrayList<>();
        final List<Object> timeline = new ArrayList<>();

        @Override
        public void onStep(StepMetrics m) {
            steps.add(m);
            timeline.add(m);
        }

        @Override
        public void onEval(EvalMetrics m) {
            evals.add(m);
        }

        @Override
        public void onDivergence(DivergenceEvent e) {
            divergences.add(e);
            timeline.add(e);
        }

        List<String> losses() {
            return steps.stream().map(m -> String.format("%.3g", m.loss())).toList();
        }
    }
}
