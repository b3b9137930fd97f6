package io.lockstep.spark;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.PassSeed;
import java.util.ArrayList;
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
 * The single-process references, written against plain DL4J only (no Lockstep worker, trainer or
 * optimizer code), on exactly the batch sequence Lockstep uses ({@link BatchPlan}):
 * <ul>
 *   <li>{@link #train}: DL4J's own {@code fit} on each whole global batch, with DL4J's updater and
 *       regularization ({@code MultiLayerNetwork} or {@code ComputationGraph});</li>
 *   <li>{@link #trainGhost}: the same, but each global batch is run as consecutive ghost batches of G
 *       examples — one DL4J forward/backward pass each — whose "gradients" are combined as DL4J's own
 *       updater expects them (parameters DL4J divides by the batch: summed; parameters it does not
 *       divide, i.e. batch-norm running statistics: example-count-weighted mean of the per-pass
 *       updates) and applied by ONE call of DL4J's own updater with batch size B plus
 *       {@code params -= update}, as {@code fit} does. With G = B it is {@code fit}.</li>
 * </ul>
 * Optionally each pass seeds ND4J's random stream with {@link PassSeed#of} — the definition of which
 * random numbers a pass uses (an input of the computation, like the batch plan), not a code path.
 */
final class Dl4jReference {
    private Dl4jReference() {}

    static float[] train(ModelAdapter model, Dataset data, int globalBatch, long seed, long steps,
                         IUpdater updater, double l2) {
        Model net = network(model, updater, l2);
        BatchPlan plan = new BatchPlan(data.size(), globalBatch, seed);
        for (long step = 0; step < steps; step++) {
            DataSet batch = batch(data, plan.batch(step));
            if (net instanceof MultiLayerNetwork mln) {
                mln.fit(batch);
            } else {
                ((ComputationGraph) net).fit(batch);
            }
        }
        return net.params().toFloatVector();
    }

    /** Ghost-batch training (see the class comment); {@code seedPasses} seeds each pass's random stream. */
    static float[] trainGhost(ModelAdapter model, Dataset data, int globalBatch, int ghostBatch, long seed, long steps,
                              IUpdater updater, boolean seedPasses) {
        Model net = network(model, updater, 0.0);
        BatchPlan plan = new BatchPlan(data.size(), globalBatch, seed);
        List<String> keys = new ArrayList<>(net.paramTable().keySet());
        for (long step = 0; step < steps; step++) {
            int[] batch = plan.batch(step);
            Map<String, INDArray> combined = new java.util.LinkedHashMap<>();
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
                for (String key : keys) {
                    INDArray g = net.gradient().getGradientFor(key);
                    if (g == null) {
                        continue; // frozen layers report no gradient
                    }
                    INDArray part = divides(net, key) ? g.dup() : g.mul(rows.length);
                    combined.merge(key, part, INDArray::addi);
                }
            }
            for (String key : keys) {
                INDArray view = net.gradient().getGradientFor(key);
                if (view != null) {
                    INDArray sum = combined.get(key);
                    view.assign(divides(net, key) ? sum : sum.div(batch.length));
                }
            }
            int iteration = (int) step;
            if (net instanceof MultiLayerNetwork mln) {
                mln.getUpdater().update(mln, mln.gradient(), iteration, 0, batch.length, LayerWorkspaceMgr.noWorkspaces());
                mln.params().subi(mln.getGradientsViewArray().reshape(mln.params().shape()));
            } else {
                ComputationGraph g = (ComputationGraph) net;
                g.getUpdater().update(g.gradient(), iteration, 0, batch.length, LayerWorkspaceMgr.noWorkspaces());
                g.params().subi(g.getGradientsViewArray().reshape(g.params().shape()));
            }
        }
        return net.params().toFloatVector();
    }

    private static boolean divides(Model net, String key) {
        return net instanceof MultiLayerNetwork mln ? mln.updaterDivideByMinibatch(key)
                : graphDivides((ComputationGraph) net, key);
    }

    private static boolean graphDivides(ComputationGraph g, String key) {
        int us = key.lastIndexOf('_');
        return g.getVertex(key.substring(0, us)).updaterDivideByMinibatch(key.substring(us + 1));
    }

    /** A plain DL4J network of {@code model}'s configuration with DL4J's own updater, at Lockstep's initial parameters. */
    static Model network(ModelAdapter model, IUpdater updater, double l2) {
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

    static DataSet batch(Dataset data, int[] idx) {
        int d = data.numFeatures();
        int c = data.numClasses();
        float[] x = new float[idx.length * d];
        float[] y = new float[idx.length * c];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.features(), idx[i] * d, x, i * d, d);
            y[i * c + data.labels()[idx[i]]] = 1f;
        }
        INDArray xs = Nd4j.create(x, new long[] {idx.length, d}, 'c');
        INDArray ys = Nd4j.create(y, new long[] {idx.length, c}, 'c');
        return new DataSet(xs, ys);
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relativeError(float[] a, float[] b) {
        return relativeError(a, b, 0, a.length);
    }

    /** ‖a − b‖ / ‖b‖ over elements {@code [from, to)}. */
    static double relativeError(float[] a, float[] b, int from, int to) {
        double num = 0;
        double den = 0;
        for (int i = from; i < to; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
