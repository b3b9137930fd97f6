package io.lockstep.app.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.StepTimings;
import io.lockstep.metrics.TrainPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Progress written to a file or pipe is plain lines; a terminal gets the redrawn bar. */
class ConsoleProgressTest {
    private static String run(boolean interactive) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ConsoleProgress p = new ConsoleProgress(out, interactive)) {
            p.onStart(new TrainPlan(1000, 100, 2, 0, 10, 10, 42, 0.1, "constant"));
            for (long s = 0; s < 10; s++) {
                p.onStep(new StepMetrics(s, 0, (s + 1) * 100, 100,
                        new StepMetrics.Stats(1.0 / (s + 1), 0.1, 1.0, false, Map.of(), null), 5.0,
                        new StepTimings(1, 4, 3, 0.5, 0.1)));
            }
            p.onEvalStart("train", 1000, 9);
            p.onEval(new EvalMetrics("train", 9, 0, 0.25, 0.9, 1000));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void redirectedOutputHasNoCarriageReturnsOrBlankLines() {
        String text = run(false);
        assertFalse(text.contains("\r"), text);
        assertFalse(text.contains("\n\n"), text);
        assertTrue(text.contains("  epoch 1: train loss 0.2500, accuracy 0.9000 (1000 examples)"), text);
        assertTrue(text.contains("10/10 steps"), "the final state is written: " + text);
    }

    @Test
    void terminalShowsTheRunningEvaluation() {
        String text = run(true);
        assertTrue(text.contains("\r"), "a terminal's bar is redrawn in place");
        assertTrue(text.contains("evaluating train (1,000 examples)..."), text);
    }
}
