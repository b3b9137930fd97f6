package io.lockstep.app.sweep;

import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.metrics.TargetReached;
import io.lockstep.metrics.TrainPlan;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.TrainListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Collects what a sweep's summary needs from one run as it trains: step losses and noise scales
 * (the last value per step, as after a rollback), validation and test accuracies, the target and the
 * halting divergence.
 */
final class RunStats implements TrainListener {
    static final int FINAL_LOSS_STEPS = 50;

    private final NavigableMap<Long, double[]> steps = new TreeMap<>(); // step -> {loss, b_simple, examples}
    private double peakLoss = Double.NaN;
    private int stepsPerEpoch;
    private Double bestValidation;
    private Double finalValidation;
    private Double finalTest;
    private TargetReached target;
    private DivergenceEvent halt;

    @Override
    public void onStart(TrainPlan plan) {
        stepsPerEpoch = plan.stepsPerEpoch();
    }

    @Override
    public void onStep(StepMetrics m) {
        steps.put(m.step(), new double[] {m.loss(), m.stats().noise().bSimple(), m.examples()});
        if (Double.isNaN(peakLoss) || m.loss() > peakLoss) {
            peakLoss = m.loss();
        }
    }

    @Override
    public void onEval(EvalMetrics m) {
        if (m.set().equals(EvalSets.VALIDATION)) {
            finalValidation = m.accuracy();
            bestValidation = bestValidation == null ? m.accuracy() : Math.max(bestValidation, m.accuracy());
        } else if (m.set().equals(EvalSets.TEST)) {
            finalTest = m.accuracy();
        }
    }

    @Override
    public void onTargetReached(TargetReached t) {
        target = t;
    }

    @Override
    public void onDivergence(DivergenceEvent d) {
        halt = d.action().equals("halt") ? d : halt;
    }

    Double bestValidation() { return bestValidation; }
    Double finalValidation() { return finalValidation; }
    Double finalTest() { return finalTest; }
    TargetReached target() { return target; }
    /** The divergence that halted the run, or null. */
    DivergenceEvent halt() { return halt; }
    /** Highest step loss seen, or null before the first step. */
    Double peakLoss() { return Double.isNaN(peakLoss) ? null : peakLoss; }

    /**
     * Examples processed by the first {@code applied} steps (a sum over steps, so it is right when the
     * batch grows during the run), or 0 before the first step.
     */
    long examples(long applied) {
        Map.Entry<Long, double[]> last = steps.floorEntry(applied - 1);
        return last == null ? 0 : (long) last.getValue()[2];
    }

    /** Steps seen so far (for a run that failed before returning a result). */
    long stepsSeen() {
        return steps.isEmpty() ? 0 : steps.lastKey() + 1;
    }

    /** Mean loss of the last {@value #FINAL_LOSS_STEPS} of the first {@code applied} steps, or null. */
    Double finalTrainLoss(long applied) {
        List<double[]> last = last(applied, FINAL_LOSS_STEPS);
        return last.isEmpty() ? null : last.stream().mapToDouble(s -> s[0]).average().orElseThrow();
    }

    /**
     * Mean B_simple over the last epoch's worth of the first {@code applied} steps (the last 20% when
     * fewer than one epoch ran), ignoring steps where it was undefined; null if none is defined.
     */
    Double bSimpleLastEpoch(long applied) {
        long n = Math.min(applied, stepsSeen());
        long window = n >= stepsPerEpoch && stepsPerEpoch > 0 ? stepsPerEpoch : (long) Math.ceil(0.2 * n);
        double[] defined = last(applied, window).stream().mapToDouble(s -> s[1]).filter(Double::isFinite).toArray();
        return defined.length == 0 ? null : java.util.Arrays.stream(defined).average().orElseThrow();
    }

    private List<double[]> last(long applied, long count) {
        List<double[]> out = new ArrayList<>(steps.headMap(applied, false).descendingMap().values());
        return out.subList(0, (int) Math.min(count, out.size()));
    }
}
