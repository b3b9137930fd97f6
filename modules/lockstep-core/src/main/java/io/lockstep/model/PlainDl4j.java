package io.lockstep.model;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;

/**
 * Single-process training with plain DL4J only — its own {@code fit}, forward/backward passes and updater,
 * none of Lockstep's worker, driver or optimizer code — on exactly Lockstep's batch sequence
 * ({@link BatchPlan}) from Lockstep's initial parameters. The reference of the equivalence tests and the
 * baseline side of {@code lockstep bench baseline}.
 *
 * <ul>
 *   <li>With one ghost batch per step ({@code ghostBatch} 0 or ≥ B) and unseeded passes: DL4J's own
 *       {@code fit} on each whole global batch, with DL4J's updater and regularization.</li>
 *   <li>Otherwise each global batch runs as consecutive ghost batches of G examples — one DL4J
 *       forward/backward pass each — whose "gradients" are combined as DL4J's updater expects them
 *       (parameters DL4J divides by the batch: summed; parameters it does not divide, i.e. batch-norm
 *       running statistics: example-count-weighted mean of the per-pass updates) and applied by ONE call
 *       of DL4J's own updater with batch size B plus {@code params -= update}, as {@code fit} does.</li>
 * </ul>
 * With {@code seedPasses} each pass seeds ND4J's random stream with {@link PassSeed#of} (which random
 * numbers a pass uses is an input of the computation, like the batch plan).
 */
public final class PlainDl4j {
    private PlainDl4j() {}

    /** Trains {@code steps} steps and returns the final flat parameters. */
    public static float[] train(ModelAdapter model, Dataset data, int globalBatch, int ghostBatch, long seed,
                                long steps, IUpdater updater, double l2, boolean seedPasses) {
        Model net = network(model, updater, l2);
        train(net, data, new BatchPlan(data.size(), globalBatch, seed), ghostBatch, seed, 0, steps, seedPasses);
        return net.params().toFloatVector();
    }

    /**
     * Trains {@code net} on steps {@code [from, to)} of {@code plan}; returns the last step's mean training
     * loss (training mode, before its update).
     */
    public static double train(Model net, Dataset data, BatchPlan plan, int ghostBatch, long seed, long from, long to,
                               boolean seedPasses) {
        List<String> keys = new ArrayList<>(net.paramTable().keySet());
        double loss = Double.NaN;
        for (long step = from; step < to; step++) {
            int[] batch = plan.batch(step);
            if (!seedPasses && (ghostBatch <= 0 || ghostBatch >= batch.length)) {
                loss = fit(net, batch(data, batch));
            } else {
                loss = ghostStep(net, data, batch, ghostBatch <= 0 ? batch.length : ghostBatch, keys, seed, step,
                        seedPasses);
            }
        }
        return loss;
    }

    private static double fit(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork mln) {
            mln.fit(batch);
        } else {
            ((ComputationGraph) net).fit(batch);
        }
        return net.score();
    }

    private static double ghostStep(Model net, Dataset data, int[] batch, int ghostBatch, List<String> keys, long seed,
                                  long step, boolean seedPasses) {
        Map<String, INDArray> combined = new LinkedHashMap<>();
        double lossSum = 0;
        for (int from = 0, ghost = 0; from < batch.length; from += ghostBatch, ghost++) {
            int[] rows = java.util.Arrays.copyOfRange(batch, from, Math.min(batch.length, from + ghostBatch));
            if (seedPasses) {
                Nd4j.getRandom().setSeed(PassSeed.of(seed, step, ghost, 0));
            }
            DataSet ds = batch(data, rows);
            if (net instanceof MultiLayerNetwork mln) {
                mln.setInput(ds.getFeatures());
                mln.setLabels(ds.getLabels());
            } else {
                ((ComputationGraph) net).setInputs(ds.getFeatures());
                ((ComputationGraph) net).setLabels(ds.getLabels());
            }
            net.computeGradientAndScore(LayerWorkspaceMgr.noWorkspaces());
            lossSum += net.score() * rows.length;
            for (String key : keys) {
                INDArray g = net.gradient().getGradientFor(key);
                if (g != null) { // frozen layers report no gradient
                    combined.merge(key, divides(net, key) ? g.dup() : g.mul(rows.length), INDArray::addi);
                }
            }
        }
        for (String key : keys) {
            INDArray view = net.gradient().getGradientFor(key);
            if (view != null) {
                INDArray sum = combined.get(key);
                view.assign(divides(net, key) ? sum : sum.div(batch.length));
            }
        }
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        if (net instanceof MultiLayerNetwork mln) {
            mln.getUpdater().update(mln, mln.gradient(), mln.getIterationCount(), mln.getEpochCount(), batch.length, ws);
            mln.params().subi(mln.getGradientsViewArray().reshape(mln.params().shape()));

        } else {
            ComputationGraph g = (ComputationGraph) net;
            g.getUpdater().update(g.gradient(), g.getIterationCount(), g.getEpochCount(), batch.length, ws);
            g.params().subi(g.getGradientsViewArray().reshape(g.params().shape()));
        }
        org.deeplearning4j.optimize.solvers.BaseOptimizer.incrementIterationCount(net, 1); // as fit does
        return lossSum / batch.length;
    }

    private static boolean divides(Model net, String key) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.updaterDivideByMinibatch(key);
        }
        int us = key.lastIndexOf('_');
        return ((ComputationGraph) net).getVertex(key.substring(0, us)).updaterDivideByMinibatch(key.substring(us + 1));
    }

    /** A plain DL4J network of {@code model}'s configuration with DL4J's own updater (and L2), at Lockstep's initial parameters. */
    public static Model network(ModelAdapter model, IUpdater updater, double l2) {
        float[] init = model.initialParams();
        if (model.kind() == ModelAdapter.Kind.MULTI_LAYER) {
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(model.configJson());
            for (int i = 0; i < conf.getConfs().size(); i++) {
                configure(conf.getConf(i).getLayer(), updater, l2);
            }
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            net.setParams(Nd4j.create(init, new long[] {1, init.length}, 'c'));
            return net;
        }
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(model.configJson());
        conf.getVertices().values().forEach(v -> {
            if (v instanceof LayerVertex lv) {
                configure(lv.getLayerConf().getLayer(), updater, l2);
            }
        });
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        graph.setParams(Nd4j.create(init, new long[] {1, init.length}, 'c'));
        return graph;
    }

    private static void configure(Layer layer, IUpdater updater, double l2) {
        if (layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop) {
            return;
        }
        if (layer instanceof BaseLayer base) {
            base.setIUpdater(updater.clone());
            if (l2 > 0) {
                base.setRegularization(List.of(new L2Regularization(l2)));
            }
        }
    }

    /** The examples {@code idx} of {@code data} as a DL4J data set (one-hot labels). */
    public static DataSet batch(Dataset data, int[] idx) {
        int d = data.numFeatures();
        int c = data.numClasses();
        float[] x = new float[idx.length * d];
        float[] y = new float[idx.length * c];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.features(), idx[i] * d, x, i * d, d);
            y[i * c + data.labels()[idx[i]]] = 1f;
        }
        return new DataSet(Nd4j.create(x, new long[] {idx.length, d}, 'c'), Nd4j.create(y, new long[] {idx.length, c}, 'c'));
    }

    /** Inference-mode mean loss and accuracy of {@code net} on {@code data}, in chunks of {@code chunk}. */
    public static double[] evaluate(Model net, Dataset data, int chunk) {
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += chunk) {
            int[] rows = new int[Math.min(data.size(), from + chunk) - from];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = from + i;
            }
            DataSet ds = batch(data, rows);
            INDArray out = net instanceof MultiLayerNetwork mln ? mln.output(ds.getFeatures(), false)
                    : ((ComputationGraph) net).output(false, ds.getFeatures())[0];
            INDArray predicted = out.argMax(1);
            for (int i = 0; i < rows.length; i++) {
                if (predicted.getInt(i) == data.labels()[rows[i]]) {
                    correct++;
                }
            }
            double mean = net instanceof MultiLayerNetwork mln ? mln.score(ds, false)
                    : ((ComputationGraph) net).score(ds, false);
            lossSum += mean * rows.length;
        }
        return new double[] {lossSum / data.size(), (double) correct / data.size()};
    }
}
