package io.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lockstep.grad.GradientSum;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.Test;

/** The phases of {@link WorkerSplitBench} are the pieces of the whole call: same batch, same gradient and loss. */
class WorkerSplitBenchTest {
    @Test
    void phasesAddUpToTheWorkersGradient() {
        for (WorkspaceMode mode : new WorkspaceMode[] {WorkspaceMode.ENABLED, WorkspaceMode.NONE}) {
            WorkerSplitBench b = new WorkerSplitBench();
            b.rows = 16;
            b.workspace = mode;
            b.setUp();
            GradientSum whole = b.gradientSum();
            b.copyIn();
            assertEquals(16, b.gatherOneHot().rows());
            assertEquals(16, b.forward().rows());
            double meanLoss = b.forwardBackward();
            assertArrayEquals(whole.gradientSum(), b.copyOut(), mode.toString());
            assertEquals(whole.lossSum() / 16, meanLoss, 1e-12, mode.toString());
        }
    }
}
