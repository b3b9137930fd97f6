package io.lockstep.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Scoring runs in the tasks: nothing the size of the data reaches the driver, and rows score as plain DL4J does. */
class TransformOnExecutorsTest {
    private static SparkSession spark;
    private static LockstepClassificationModel model;
    private static Dataset<Row> rows;

    @BeforeAll
    static void start() {
        spark = MlTestData.session("TransformOnExecutorsTest");
        VectorAssembler assembler = new VectorAssembler().setInputCols(MlTestData.FEATURES).setOutputCol("features");
        model = new LockstepClassifier().setGlobalBatch(32).setWorkers(2).setEpochs(1).setEvalTrain(false)
                .fit(assembler.transform(MlTestData.blobs(spark, 200, 1, 2)));
        rows = assembler.transform(MlTestData.blobs(spark, 20_000, 2, 4));
        rows.count();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Task result bytes and task count of everything run between listener registration and removal. */
    private static final class Results extends SparkListener {
        final AtomicLong resultBytes = new AtomicLong();
        final AtomicInteger tasks = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            tasks.incrementAndGet();
            if (e.taskMetrics() != null) {
                resultBytes.addAndGet(e.taskMetrics().resultSize());
            }
        }
    }

    @Test
    void scoringSendsTheDriverOnlyTaskStatus() throws Exception {
        Results seen = new Results();
        spark.sparkContext().addSparkListener(seen);
        long sum;
        try {
            Dataset<Row> scored = model.transform(rows);
            // An aggregate over the scored rows: only one small partial per task comes back.
            sum = scored.agg(functions.sum("prediction")).first().getDouble(0) > -1 ? scored.rdd().getNumPartitions() : -1;
        } finally {
            Thread.sleep(500); // listener events are delivered asynchronously
            spark.sparkContext().removeSparkListener(seen);
        }
        long dataBytes = 20_000L * 4 * 8;
        assertEquals(4, sum, "the scored dataset keeps the input's 4 partitions");
        assertTrue(seen.tasks.get() >= 4, "tasks: " + seen.tasks.get());
        assertTrue(seen.resultBytes.get() < dataBytes / 20, "driver received " + seen.resultBytes.get()
                + " bytes of task results for " + dataBytes + " bytes of features");
    }

    @Test
    void rowsScoreAsThePlainDl4jNetworkDoes() {
        List<Row> scored = model.setScoreBatch(7).transform(rows.limit(50))
                .select("features", "probability", "rawPrediction", "prediction").collectAsList();
        model.setScoreBatch(256);
        MultiLayerNetwork net = (MultiLayerNetwork) model.network();
        for (Row r : scored) {
            double[] x = ((Vector) r.get(0)).toArray();
            float[] xf = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                xf[i] = (float) x[i];
            }
            float[] expected = net.output(Nd4j.create(xf, new long[] {1, xf.length}, 'c'), false).toFloatVector();
            double[] p = ((Vector) r.get(1)).toArray();
            double[] raw = ((Vector) r.get(2)).toArray();
            int best = 0;
            for (int c = 0; c < p.length; c++) {
                assertEquals(expected[c], p[c], 1e-6);
                assertEquals(Math.log(p[c]), raw[c], 1e-12);
                best = expected[c] > expected[best] ? c : best;
            }
            assertEquals(best, r.getDouble(3));
        }
    }
}
