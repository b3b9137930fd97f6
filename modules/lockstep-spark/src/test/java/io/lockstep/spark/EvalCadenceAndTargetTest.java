package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.data.HoldOut;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.TargetReached;
import io.lockstep.model.ModelAdapter;
import io.lockstep.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Periodic evaluation ({@code evalEvery}) and stopping at a target validation accuracy
 * ({@code targetAccuracy}) on tiny synthetic blobs (200 training / 50 validation examples, B = 32,
 * 6 steps per epoch, P = 2).
 */
class EvalCadenceAndTargetTest {
    private static final long SEED = 7;
    private static final DivergenceConfig NAN_ONLY = DivergenceConfig.halt().withLossFactor(1e9);

    private static JavaSparkContext sc;
    private static ModelAdapter model;
    private static ShardedDataset train;
    private static ShardedDataset validation;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "eval-cadence-target");
        HoldOut split = HoldOut.split(Synthetic.blobs(250, 12, 3, 11), 0.2, 3);
        model = LargeBatchEquivalenceTest.tinyMlp(12, 3, SEED);
        train = ShardedDataset.distribute(sc, split.train(), 2);
        validation = ShardedDataset.distribute(sc, split.validation(), 2);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static TrainConfig.Builder config() {
        return TrainConfig.builder().globalBatch(32).workers(2).steps(20).lr(0.05).optimizer(OptimizerConfig.sgd())
                .divergence(NAN_ONLY).seed(SEED);
    }

    private static EvalSets sets() {
        return EvalSets.none().with(EvalSets.VALIDATION, validation).with(EvalSets.TEST, validation);
    }

    /** The 0-based steps after which the rule says to evaluate: epoch ends, multiples of N, the last step. */
    private static TreeSet<Long> expectedEvalSteps(long totalSteps, int stepsPerEpoch, long every) {
        TreeSet<Long> steps = new TreeSet<>();
        for (long done = 1; done <= totalSteps; done++) {
            if (done % stepsPerEpoch == 0 || done == totalSteps || every > 0 && done % every == 0) {
                steps.add(done - 1);
            }
        }
        return steps;
    }

    @Test
    void evaluatesEveryNStepsAndAtEpochEndsWithoutDoubleEvaluatingAStep() {
        int stepsPerEpoch = train.size() / 32;
        Recorder periodic = new Recorder();
        TrainResult withEvery = new SyncTrainer(sc, model, config().evalEvery(4).build()).fit(train, sets(), periodic);
        Recorder perEpoch = new Recorder();
        TrainResult without = new SyncTrainer(sc, model, config().build()).fit(train, sets(), perEpoch);

        for (String set : List.of(EvalSets.VALIDATION, EvalSets.TEST)) {
            assertEquals(List.copyOf(expectedEvalSteps(20, stepsPerEpoch, 4)), periodic.evalSteps(set), set);
            assertEquals(List.copyOf(expectedEvalSteps(20, stepsPerEpoch, 0)), perEpoch.evalSteps(set), set);
        }
        assertTrue(periodic.evalSteps(EvalSets.VALIDATION).size() > perEpoch.evalSteps(EvalSets.VALIDATION).size());
        assertEquals(withEvery.evaluations(), periodic.evals);
        assertArrayEquals(without.params(), withEvery.params(), "evaluating more often must not change training");
        assertEquals(TrainResult.Outcome.COMPLETED, withEvery.outcome());
        assertNull(withEvery.targetReached());
    }

    @Test
    void stopsAfterTheFirstValidationEvaluationThatReachesTheTarget() {
        // a run without a target shows where the validation accuracy first reaches 0.9
        Recorder reference = new Recorder();
        new SyncTrainer(sc, model, config().evalEvery(2).build()).fit(train, sets(), reference);
        EvalMetrics first = reference.evals.stream()
                .filter(e -> e.set().equals(EvalSets.VALIDATION) && e.accuracy() >= 0.9).findFirst().orElseThrow(
                        () -> new AssertionError("the setup must reach 0.9: " + reference.evals));
        assertTrue(first.step() < 19, "the target must be reached before the last step: " + first);

        Recorder rec = new Recorder();
        TrainResult result = new SyncTrainer(sc, model, config().evalEvery(2).targetAccuracy(0.9).build())
                .fit(train, sets(), rec);

        assertEquals(TrainResult.Outcome.TARGET_REACHED, result.outcome());
        TargetReached t = result.targetReached();
        assertNotNull(t);
        assertEquals(List.of(t), rec.targets);
        assertEquals(first.step(), t.step());
        assertEquals(first.step() + 1, t.steps());
        assertEquals(t.steps() * 32, t.examples());
        assertEquals(first.accuracy(), t.accuracy(), 0.0);
        assertEquals(0.9, t.target());
        assertTrue(t.seconds() > 0);
        assertEquals(t.steps(), result.steps(), "no update after the target");
        assertEquals(t.steps(), rec.steps.size());
        EvalMetrics last = rec.evals.get(rec.evals.size() - 1);
        assertEquals(t.step(), last.step(), "the evaluation round of the target is completed, then training stops");
        assertEquals(EvalSets.TEST, last.set());
    }

    @Test
    void aTargetNeedsAValidationSet() {
        SyncTrainer trainer = new SyncTrainer(sc, model, config().targetAccuracy(0.5).build());
        EvalSets testOnly = EvalSets.none().with(EvalSets.TEST, validation);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(train, testOnly, TrainListener.NONE));
        assertTrue(e.getMessage().contains("targetAccuracy") && e.getMessage().contains("0.5"), e.getMessage());
    }

    @Test
    void earlyStoppingPatienceStillCountsEpochsWithPeriodicEvaluations() {
        TrainConfig.Builder b = TrainConfig.builder().globalBatch(32).workers(2).epochs(30).lr(0.05)
                .optimizer(OptimizerConfig.adam()).earlyStoppingPatience(1).divergence(NAN_ONLY).seed(SEED);
        TrainResult perEpoch = new SyncTrainer(sc, model, b.build()).fit(train, sets(), TrainListener.NONE);
        TrainResult periodic = new SyncTrainer(sc, model, b.evalEvery(4).build()).fit(train, sets(), TrainListener.NONE);
        assertEquals(TrainResult.Outcome.EARLY_STOPPED, perEpoch.outcome(), "the setup must stop early");
        assertEquals(perEpoch.outcome(), periodic.outcome());
        assertEquals(perEpoch.steps(), periodic.steps());
        assertArrayEquals(perEpoch.bestParams(), periodic.bestParams());
    }

    private static final class Recorder implements TrainListener {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<EvalMetrics> evals = new ArrayList<>();
        final List<TargetReached> targets = new ArrayList<>();

        @Override
        public void onStep(StepMetrics m) {
            steps.add(m);
        }

        @Override
        public void onEval(EvalMetrics m) {
            evals.add(m);
        }

        @Override
        public void onTargetReached(TargetReached t) {
            targets.add(t);
        }

        List<Long> evalSteps(String set) {
            return evals.stream().filter(e -> e.set().equals(set)).map(EvalMetrics::step).toList();
        }
    }
}
