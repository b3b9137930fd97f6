package io.lockstep.spark.ml;

import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Scorer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Distributed scoring: the network (configuration and parameters) is broadcast once, each task builds one
 * {@link Scorer} for its partition and runs inference-mode forward passes over consecutive batches of rows,
 * appending rawPrediction, probability and prediction to every row. Nothing is collected to the driver.
 */
final class BatchScorer {
    private BatchScorer() {}

    /** The network shipped to the executors. */
    record Network(ModelAdapter adapter, float[] params) implements Serializable {}

    static Dataset<Row> score(Dataset<Row> df, StructType out, int featuresIndex, ModelAdapter adapter, float[] params,
                              int batch) {
        Broadcast<Network> net = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext())
                .broadcast(new Network(adapter, params));
        String column = df.schema().fields()[featuresIndex].name();
        return df.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows -> {
            Network n = net.value();
            io.lockstep.model.BlasThreads.onePerTask();
            return new Batches(rows, n.adapter().newScorer(n.params()), featuresIndex, column, batch);
        }, Encoders.row(out));
    }

    /** Scores {@code batch} rows at a time, lazily, in input order. */
    private static final class Batches implements Iterator<Row> {
        private final Iterator<Row> in;
        private final Scorer scorer;
        private final int featuresIndex;
        private final String column;
        private final int batch;
        private final List<Row> rows = new ArrayList<>();
        private float[] probs;
        private int next;

        Batches(Iterator<Row> in, Scorer scorer, int featuresIndex, String column, int batch) {
            this.in = in;
            this.scorer = scorer;
            this.featuresIndex = featuresIndex;
            this.column = column;
            this.batch = batch;
        }

        @Override
        public boolean hasNext() {
            if (next < rows.size()) {
                return true;
            }
            fill();
            return !rows.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = rows.get(next);
            int k = scorer.numClasses();
            double[] p = new double[k];
            double[] raw = new double[k];
            int best = 0;
            for (int c = 0; c < k; c++) {
                p[c] = probs[next * k + c];
                raw[c] = Math.log(p[c]);
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            next++;
            Object[] values = new Object[r.length() + 3];
            for (int i = 0; i < r.length(); i++) {
                values[i] = r.get(i);
            }
            values[r.length()] = Vectors.dense(raw);
            values[r.length() + 1] = Vectors.dense(p);
            values[r.length() + 2] = (double) best;
            return RowFactory.create(values);
        }

        private void fill() {
            rows.clear();
            next = 0;
            int f = scorer.numFeatures();
            float[] x = new float[batch * f];
            while (rows.size() < batch && in.hasNext()) {
                Row r = in.next();
                float[] v = Columns.features(r, featuresIndex);
                if (v == null || v.length != f) {
                    throw new IllegalArgumentException(LockstepClassificationModel.STAGE + " param featuresCol: column '"
                            + column + "' has a row with " + (v == null ? "null" : v.length + " values")
                            + "; the model expects " + f + " features");
                }
                System.arraycopy(v, 0, x, rows.size() * f, f);
                rows.add(r);
            }
            if (!rows.isEmpty()) {
                int n = rows.size();
                probs = scorer.probabilities(n == batch ? x : java.util.Arrays.copyOf(x, n * f), n);
            }
        }
    }
}
