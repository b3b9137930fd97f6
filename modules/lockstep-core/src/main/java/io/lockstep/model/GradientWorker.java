package io.lockstep.model;

import io.lockstep.data.StepShare;
import io.lockstep.grad.EvalSum;
import io.lockstep.grad.GradientSum;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <h2>What is reused across passes</h2>
 * The input and label matrices DL4J reads are kept per pass size ({@link PassInputs}) and overwritten in
 * full before every pass. The gradient array of a call's first pass becomes the returned partial's and is
 * never touched again by the worker: callers keep it past the next call (the job transport serializes it
 * later, the step channel hands it to the driver and recycles it there). The array of each later pass of
 * the same call is added into that one at once and dropped, so it is a per-worker scratch array.
 */
public final class GradientWorker {
    private final Network net;
    private final int numFeatures;
    private final int numClasses;
    private final int[][] statRanges;
    private final int[][] frozenRanges;
    private final int[][] trainableRanges;
    private final PassInputs inputs;
    private float[] scratch; // the gradient of a call's second and later passes

    GradientWorker(Network net, ParamLayout layout, int numFeatures, int numClasses) {
        this.net = net;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.statRanges = layout.ranges(ParamRole.RUNNING_STAT);
        this.frozenRanges = layout.ranges(ParamRole.FROZEN);
        this.trainableRanges = layout.trainableRanges();
        this.inputs = new PassInputs(numFeatures, numClasses);
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
                Nd4j.getRandom().setSeed(PassSeed.of(seed, step, share.firstGhost() + g, micro));
                float[] grad = total.isEmpty() ? new float[params.length] : scratch(params.length);
                total = total.plus(forwardBackward(features, labels, share.rows(), start, Math.min(to, start + m), grad));
            }
        }
        net.clear();
        return total;
    }

    private float[] scratch(int n) {
        if (scratch == null || scratch.length != n) {
            scratch = new float[n];
        }
        return scratch;
    }

    /** One pass on {@code rows[from, to)}; the partial's gradient is written into {@code grad}. */
    private GradientSum forwardBackward(float[] features, int[] labels, int[] rows, int from, int to, float[] grad) {
        PassInputs.Pair in = inputs.of(to - from);
        NdBuffers.gatherRowsInto(in.x(), features, rows, from, to, numFeatures);
        NdBuffers.oneHotInto(in.y(), labels, rows, from, to, numClasses);
        net.computeGradient(in.x(), in.y());
        NdBuffers.copyTo(net.gradients(), grad);
        int b = to - from;
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
            int n = end - start;
            PassInputs.Pair in = inputs.of(n);
            NdBuffers.copyRowsInto(in.x(), features, start, end, numFeatures);
            NdBuffers.oneHotRangeInto(in.y(), labels, start, end, numClasses);
            Network.Inference inf = net.infer(in.x(), in.y()); // one forward pass for both loss and predictions
            int[] predicted = inf.output().argMax(1).toIntVector(); // one bulk read, not one native call per row
            long correct = 0;
            for (int i = 0; i < n; i++) {
                if (predicted[i] == labels[start + i]) {
                    correct++;
                }
            }
            double lossSum = inf.meanLoss() * n;
            total = total.merge(new EvalSum(lossSum, correct, n));
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

    /**
     * The input and label matrices of the worker's passes, one pair per pass size, reused across passes and calls
     * (a worker is single-threaded, and every pass overwrites all of its pair before DL4J reads it, so nothing of
     * an earlier pass can show through). It holds the {@value #SIZES} most recently used sizes: a step's ghost or
     * micro-batch size and its remainder, and evaluation's chunk and last chunk.
     */
    static final class PassInputs {
        static final int SIZES = 4;

        /** One pass's {@code rows × features} inputs and {@code rows × classes} one-hot labels. */
        record Pair(INDArray x, INDArray y) {}

        private final int numFeatures;
        private final int numClasses;
        private final Map<Integer, Pair> bySize = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Pair> eldest) {
                return size() > SIZES;
            }
        };

        PassInputs(int numFeatures, int numClasses) {
            this.numFeatures = numFeatures;
            this.numClasses = numClasses;
        }

        /** The pair for {@code rows} rows (created on first use; contents are whatever the last pass left). */
        Pair of(int rows) {
            return bySize.computeIfAbsent(rows, n -> new Pair(NdBuffers.detachedMatrix(n, numFeatures),
                    NdBuffers.detachedMatrix(n, numClasses)));
        }

        /** How many sizes are held (for tests). */
        int sizes() {
            return bySize.size();
        }
    }
}
