package io.lockstep.model;

import io.lockstep.grad.EvalSum;
import io.lockstep.grad.GradientSum;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs DL4J's forward and backward pass on a set of rows of an in-memory shard. One instance per
 * thread: it owns a {@code MultiLayerNetwork}, which is not thread-safe.
 *
 * <p>DL4J facts relied on: {@code computeGradientAndScore()} leaves the gradient <b>summed</b> over
 * the examples of the batch (DL4J's updater would divide by the batch size later) and sets the score
 * to the <b>mean</b> loss; with no regularization in the configuration the gradient and score contain
 * no regularization terms.
 */
public final class GradientWorker {
    private final MultiLayerNetwork net;
    private final int numFeatures;
    private final int numClasses;

    GradientWorker(MultiLayerNetwork net, int numFeatures, int numClasses) {
        this.net = net;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
    }

    /**
     * Gradient sum, loss sum and count over {@code rows} of the shard, in one forward/backward pass.
     *
     * @param params   flat parameters to evaluate at
     * @param features row-major shard features
     * @param labels   shard labels
     * @param rows     local row indices of this step's examples (may be empty)
     */
    public GradientSum gradientSum(float[] params, float[] features, int[] labels, int[] rows) {
        return gradientSum(params, features, labels, rows, 0);
    }

    /**
     * Like {@link #gradientSum(float[], float[], int[], int[])}, but with gradient accumulation: the
     * rows are processed in consecutive micro-batches of at most {@code microBatch} examples (0 = all
     * at once) whose gradient sums are added, so memory is bounded by the micro-batch, not the share.
     * The result counts one part per micro-batch (for the noise-scale estimator).
     */
    public GradientSum gradientSum(float[] params, float[] features, int[] labels, int[] rows, int microBatch) {
        if (rows.length == 0) {
            return GradientSum.empty();
        }
        setParams(params);
        int m = microBatch <= 0 ? rows.length : microBatch;
        GradientSum total = GradientSum.empty();
        for (int from = 0; from < rows.length; from += m) {
            int[] chunk = from == 0 && m >= rows.length ? rows
                    : java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + m));
            total = total.plus(forwardBackward(features, labels, chunk));
        }
        net.clear();
        return total;
    }

    private GradientSum forwardBackward(float[] features, int[] labels, int[] rows) {
        net.setInput(gatherFeatures(features, rows));
        net.setLabels(oneHot(labels, rows));
        net.computeGradientAndScore();
        float[] grad = NdBuffers.toFloats(net.getFlattenedGradients());
        return GradientSum.of(grad, net.score() * rows.length, rows.length);
    }

    /** Loss sum, correct predictions and count over all rows of the shard, in chunks. */
    public EvalSum evaluate(float[] params, float[] features, int[] labels, int chunk) {
        setParams(params);
        EvalSum total = EvalSum.empty();
        int n = labels.length;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            int[] rows = new int[to - from];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = from + i;
            }
            INDArray x = gatherFeatures(features, rows);
            INDArray y = oneHot(labels, rows);
            INDArray out = net.output(x, false);
            long correct = 0;
            INDArray predicted = out.argMax(1);
            for (int i = 0; i < rows.length; i++) {
                if (predicted.getInt(i) == labels[rows[i]]) {
                    correct++;
                }
            }
            double lossSum = net.score(new DataSet(x, y), false) * rows.length;
            total = total.merge(new EvalSum(lossSum, correct, rows.length));
        }
        net.clear();
        return total;
    }

    private void setParams(float[] params) {
        if (params.length != net.numParams()) {
            throw new IllegalArgumentException("parameter vector has " + params.length + " entries, model has "
                    + net.numParams());
        }
        NdBuffers.copyInto(params, net.params());
    }

    private INDArray gatherFeatures(float[] features, int[] rows) {
        return NdBuffers.gatherRows(features, rows, numFeatures);
    }

    private INDArray oneHot(int[] labels, int[] rows) {
        float[] y = new float[rows.length * numClasses];
        for (int i = 0; i < rows.length; i++) {
            y[i * numClasses + labels[rows[i]]] = 1f;
        }
        return NdBuffers.matrix(y, rows.length, numClasses);
    }
}
