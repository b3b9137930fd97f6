package io.lockstep.app.train;

import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.TargetReached;
import io.lockstep.metrics.TrainPlan;
import io.lockstep.spark.TrainListener;
import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar over the run's steps showing the current loss (or the evaluation running),
 * plus one line per evaluation (by epoch, or by step between epoch ends). When stdout is not a
 * terminal the bar is written as a plain line every 10 s, without carriage returns.
 */
final class ConsoleProgress implements TrainListener, AutoCloseable {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private TrainPlan plan;
    private String stepMessage = "";

    ConsoleProgress(PrintStream out) {
        this(out, System.console() != null);
    }

    ConsoleProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onStart(TrainPlan plan) {
        this.plan = plan;
        me.tongfei.progressbar.ProgressBarConsumer consumer = interactive
                ? new me.tongfei.progressbar.ConsoleProgressBarConsumer(out, 110)
                : new me.tongfei.progressbar.DelegatingProgressBarConsumer(out::println, 110);
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(plan.totalSteps())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(interactive ? 250 : 10_000)
                .setUnit(" steps", 1).showSpeed().setConsumer(consumer).build();
    }

    @Override
    public void onStep(StepMetrics m) {
        bar.stepTo((long) Math.min(m.progress(), plan.totalSteps()));
        stepMessage = String.format(" ep %d loss %.4f%s", m.epoch() + 1, m.loss(),
                m.globalBatch() == plan.globalBatch() ? "" : " B " + m.globalBatch()); // adaptive or growing batch
        bar.setExtraMessage(stepMessage);
    }

    @Override
    public void onEvalStart(String set, int examples, long step) {
        bar.setExtraMessage(String.format(" evaluating %s (%,d examples)...", set, examples));
        if (interactive) {
            bar.refresh();
        }
    }

    @Override
    public void onEval(EvalMetrics m) {
        bar.setExtraMessage(stepMessage);
        bar.refresh();
        long done = m.step() + 1;
        String when = done % plan.stepsPerEpoch() == 0 || done == plan.totalSteps() ? "epoch " + (m.epoch() + 1)
                : "step " + done;
        out.printf("%s  %s: %s loss %.4f, accuracy %.4f (%d examples)%n", newline(), when, m.set(), m.loss(),
                m.accuracy(), m.count());
    }

    /** A terminal's bar line is still open (no newline yet); a plain log's is not. */
    private String newline() {
        return interactive ? System.lineSeparator() : "";
    }

    @Override
    public void onTargetReached(TargetReached t) {
        out.printf(newline() + "  target accuracy %.4f reached after %d steps (validation accuracy %.4f): stopping%n", t.target(),
                t.steps(), t.accuracy());
    }

    @Override
    public void onDivergence(io.lockstep.metrics.DivergenceEvent d) {
        out.printf(newline() + "  step %d diverged (%s): %s%n", d.step(), d.reason(), d.action().equals("rollback")
                ? "rolled back to step " + d.restoredStep() + ", lr factor now " + d.lrFactor() : "halting");
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
