package io.lockstep.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.optim.OptimizerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SpecDiff}: differences listed field by field and classified. */
class SpecDiffTest {
    private final RunSpec base = SpecJsonTest.everyField();

    @Test
    void mathChangesAreClassifiedAsSuch() {
        RunSpec changed = base.withTrain(base.train().toBuilder().lr(0.5).seed(8)
                .optimizer(base.train().optimizer().withMomentum(0.95)).build());
        List<SpecDiff.Difference> d = SpecDiff.of(base, changed);
        assertEquals(List.of(new SpecDiff.Difference("train.lr", "0.05", "0.5", true),
                new SpecDiff.Difference("train.optimizer.momentum", "0.8", "0.95", true),
                new SpecDiff.Difference("train.seed", "7", "8", true)), d);
    }

    @Test
    void lengthEvalCadenceOutputMasterAndTransportMayChange() {
        RunSpec changed = new RunSpec(base.train().toBuilder().steps(500).evalEvery(3).build(), base.warmupEpochs(),
                base.data(), base.model(), new OutputSpec("/runs/b", 50, "file:/tmp/c", true, 5), "local[2]", base.workers(),
                io.lockstep.config.StepTransportConfig.job());
        List<SpecDiff.Difference> d = SpecDiff.of(base, changed);
        assertEquals(List.of("train.steps", "train.evalEvery", "output.dir", "output.checkpointEvery",
                "output.checkpointDir", "output.evalTrain", "output.keepCheckpoints", "master", "transport.kind",
                "transport.stepTimeoutSeconds"), d.stream().map(SpecDiff.Difference::field).toList());
        assertTrue(SpecDiff.mathChanges(d).isEmpty(), d.toString());
    }

    @Test
    void dataModelAndNestedAbsentValuesAreMathChanges() {
        RunSpec changed = new RunSpec(base.train(), null, base.data().withTest(null), ModelSpec.of("mlp"),
                base.output(), base.master(), base.workers(), base.transport());
        List<SpecDiff.Difference> d = SpecDiff.of(base, changed);
        assertEquals(List.of("warmupEpochs", "data.test", "model.ref", "model.json"), d.stream().map(SpecDiff.Difference::field).toList());
        assertEquals("null", d.get(1).after());
        assertTrue(d.stream().allMatch(SpecDiff.Difference::changesMath));
    }

    @Test
    void overlayTakesOnlyTheChosenFields() {
        RunSpec other = base.withTrain(base.train().toBuilder().lr(0.5).steps(900).optimizer(OptimizerConfig.sgd()).build());
        RunSpec merged = SpecDiff.overlay(base, other, f -> f.equals("train.steps"));
        assertEquals(900, merged.train().steps());
        assertEquals(0.05, merged.train().lr());
        assertFalse(merged.train().optimizer().equals(OptimizerConfig.sgd()));
    }
}
