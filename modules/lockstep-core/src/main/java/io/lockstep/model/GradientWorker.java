package io.lockstep.model;

import io.lockstep.data.StepShare;
import io.lockstep.grad.EvalSum;
import io.lockstep.grad.GradientSum;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs DL4J's forward and backward pass on ghost batches of an in-memory shard. One instance per
 * thread: it owns a DL4J network, which is not thread-safe.
 *
 * <h2>What a partial holds</h2>
 * One training-mode pass per ghost batch (or per micro-batch of it). DL4J's
 * {@code computeGradientAndScore()} leaves trainable gradients <b>summed</b> over the pass's b examples
 * (DL4J's updater would divide by b later) and sets the score to the <b>mean</b> loss. Running-statistic
 * slots ({@link ParamRole#RUNNING_STAT}) instead hold the pass's final update δ (not divided by b by
 * DL4J); the worker multiplies them by b, so that every slot of the partial is a <b>sum</b>: the driver's
 * one division by B then yields the count-weighted mean Σ b_k·δ_k / B of the deltas. Frozen slots are
 * zero. {@code partSqNormSum} counts trainable slots only.
 *
 * <h2>Randomness</h2>
 * Before every pass the thread's ND4J random stream is seeded with {@link PassSeed#of}(run seed, step,
 * ghost index, micro index), so dropout masks and weight noise are a function of the pass alone.
 * With no regularization in the configuration the gradient and score contain no regularization terms.
 */
public final class GradientWorker {
    private final Network net;
    private final int numFeatures;
    private final int numClasses;
    private final int[][] statRanges;
    private final int[][] frozenRanges;
    private final int[][] trainableRanges;

    GradientWorker(Network net, ParamLayout layout, int numFeatures, int numClasses) {
        this.net = net;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.statRanges = layout.ranges(ParamRole.RUNNING_STAT);
        this.frozenRanges = layout.ranges(ParamRole.FROZEN);
        this.trainableRanges = layout.trainableRanges();
    }

    /**
     * Gradient sum over all rows as ONE ghost batch (no micro-batches), seeded as ghost 0 of step 0.
     *
     * @param params   flat parameters to evaluate at
     * @param features row-major shard features
     * @param labels   shard labels
     * @param rows     local row indices of this step's examples (may be empty)
     */
    public GradientSum gradientSum(float[] params, float[] features, int[] labels, int[] rows) {
        StepShare share = rows.length == 0 ? StepShare.empty(0) : new StepShare(rows, new int[] {rows.length}, 0);
        return gradientSum(params, features, labels, share, 0, 0, 0);
    }

    /**
     * Gradient sum, loss sum and count over the ghost batches of {@code share}: one forward/backward pass
     * per ghost batch, or per consecutive micro-batch of at most {@code microBatch} examples of a ghost
     * batch (0 = the whole ghost batch), whose sums are added. The result counts one part per pass (for
     * the noise-scale estimator).
     *
     * @param seed the run's seed; with {@code step} and the ghost/micro index it seeds each pass
     */
    public GradientSum gradientSum(float[] params, float[] features, int[] labels, StepShare share, int microBatch,
                                   long seed, long step) {
        if (share.isEmpty()) {
            return GradientSum.empty();
        }
        setParams(params);
        GradientSum total = GradientSum.empty();
        for (int g = 0; g < share.ghostCount(); g++) {
            int from = share.ghostStart(g);
            int to = share.ghostEnd(g);
            int m = microBatch <= 0 ? to - from : microBatch;
            for (int start = from, micro = 0; start < to; start += m, micro++) {
                int[] rows = Arrays.copyOfRange(share.rows(), start, Math.min(to, start + m));
                Nd4j.getRandom().setSeed(PassSeed.of(seed, step, share.firstGhost() + g, micro));
                total = total.plus(forwardBackward(features, labels, rows));
            }
        }
        net.clear();
        return total;
    }

    private GradientSum forwardBackward(float[] features, int[] labels, int[] rows) {
        net.computeGradient(gatherFeatures(features, rows), oneHot(labels, rows));
        float[] grad = NdBuffers.toFloats(net.gradients());
        int b = rows.length;
        for (int[] r : statRanges) {
            for (int i = r[0]; i < r[1]; i++) {
                grad[i] *= b;
            }
        }
        for (int[] r : frozenRanges) {
            Arrays.fill(grad, r[0], r[1], 0f);
        }
        double sq = 0;
        for (int[] r : trainableRanges) {
            for (int i = r[0]; i < r[1]; i++) {
                sq += (double) grad[i] * grad[i];
            }
        }
        return new GradientSum(grad, net.score() * b, b, 1, sq / b);
    }

    /**
     * Loss sum, correct predictions and count over rows {@code [from, to)} of the shard, in chunks (inference mode),
     * with one forward pass per chunk for both ({@link Network#infer}).
     */
    public EvalSum evaluate(float[] params, float[] features, int[] labels, int from, int to, int chunk) {
        setParams(params);
        EvalSum total = EvalSum.empty();
        for (int start = from; start < to; start += chunk) {
            int end = Math.min(to, start + chunk);
            int[] rows = new int[end - start];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = start + i;
            }
            INDArray x = gatherFeatures(features, rows);
            INDArray y = oneHot(labels, rows);
            Network.Inference inf = net.infer(x, y); // one forward pass for both loss and predictions
            long correct = 0;
            INDArray predicted = inf.output().argMax(1);
            for (int i = 0; i < rows.length; i++) {
                if (predicted.getInt(i) == labels[rows[i]]) {
                    correct++;
                }
            }
            double lossSum = inf.meanLoss() * rows.length;
            total = total.merge(new EvalSum(lossSum, correct, rows.length));
        }
        net.clear();
        return total;
    }

    /** Loss sum, correct predictions and count over all rows of the shard. */
    public EvalSum evaluate(float[] params, float[] features, int[] labels, int chunk) {
        return evaluate(params, features, labels, 0, labels.length, chunk);
    }

    private void setParams(float[] params) {
        long n = net.params().length();
        if (params.length != n) {
            throw new IllegalArgumentException("parameter vector has " + params.length + " entries, model has " + n);
        }
        NdBuffers.copyInto(params, net.params());
    }

    private INDArray gatherFeatures(float[] features, int[] rows) {
        return NdBuffers.gatherRows(features, rows, numFeatures);
    }

    private INDArray oneHot(int[] labels, int[] rows) {
        return NdBuffers.oneHot(labels, rows, numClasses);
    }
}
