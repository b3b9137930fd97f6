package io.lockstep.bench;

import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.model.ModelAdapter;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The measured data-parallel ceiling of this machine: two independent single-process DL4J networks,
 * one BLAS thread each, fitting the two halves of every global batch at the same time on two
 * threads, with no communication at all. One iteration is one global batch (both fits, started
 * together, until the slower one ends). Lockstep can approach this, never pass it: it does the same
 * forward/backward work and adds the merge and the Spark step. Its ratio to single-thread DL4J shows
 * how much of the nominal 2× two concurrent computations really get (shared memory bandwidth and
 * cache).
 */
final class Dl4jPairBench implements AutoCloseable {
    private final ModelAdapter model;
    private final Dataset train;
    private final double lr;
    private final long seed;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "dl4j-pair");
        t.setDaemon(true);
        return t;
    });

    Dl4jPairBench(ModelAdapter model, Dataset train, double lr, long seed) {
        this.model = model;
        this.train = train;
        this.lr = lr;
        this.seed = seed;
    }

    /** Fits {@code warmup + steps} global batches of size {@code batch} as two concurrent halves. */
    Measurement run(int batch, int warmup, int steps) {
        MultiLayerNetwork first = Dl4jModels.network(model, lr);
        MultiLayerNetwork second = Dl4jModels.network(model, lr);
        BatchPlan plan = new BatchPlan(train.size(), batch, seed);
        TimedIterations.Result r = TimedIterations.run(warmup, steps, step -> {
            int[] rows = plan.batch(step);
            DataSet a = Dl4jModels.rows(train, Arrays.copyOfRange(rows, 0, rows.length / 2));
            DataSet b = Dl4jModels.rows(train, Arrays.copyOfRange(rows, rows.length / 2, rows.length));
            return () -> both(() -> first.fit(a), () -> second.fit(b));
        });
        return Measurement.of(r.millis(), batch, (first.score() + second.score()) / 2, r.cpu());
    }

    private void both(Runnable a, Runnable b) {
        Future<?> fa = threads.submit(a);
        Future<?> fb = threads.submit(b);
        try {
            fa.get();
            fb.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a concurrent DL4J fit failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
