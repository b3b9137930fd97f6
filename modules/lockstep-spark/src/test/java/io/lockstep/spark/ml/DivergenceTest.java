package io.lockstep.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.metrics.DivergenceEvent;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code onDivergence} through fit, as {@code LargeBatchCliTest} checks {@code --on-divergence}: SGD on the
 * blobs (B = 32, P = 2) at lr 0.01 for a constant warmup of 4 steps, then 16x that (linear scaling from
 * referenceBatch 2), with {@code divergenceFactor} 2 set explicitly. Measured: losses fall to about 2.2 over
 * the warmup, the jump to lr 0.16 gives 9.8 at step 5 (above 2 x the smoothed minimum), and lr 0.016 after
 * one rollback with factor 0.1 trains on.
 */
class DivergenceTest {
    private static final long STEPS = 12;
    private static final long WARMUP = 4;
    private static SparkSession spark;
    private static Dataset<Row> df;

    @BeforeAll
    static void start() {
        spark = MlTestData.session("DivergenceTest");
        df = new VectorAssembler().setInputCols(MlTestData.FEATURES).setOutputCol("features")
                .transform(MlTestData.blobs(spark, 320, 7, 2)).cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static LockstepClassifier sgd() {
        return new LockstepClassifier().setGlobalBatch(32).setWorkers(2).setOptimizer("sgd").setLr(0.01).setSeed(5)
                .setEvalTrain(false);
    }

    /** lr 0.01 for WARMUP steps, then 0.16: diverges right after the jump. */
    private static LockstepClassifier jump() {
        return sgd().setSteps(STEPS).setLrScaling("linear").setReferenceBatch(2).setWarmup("constant")
                .setWarmupSteps(WARMUP).setDivergenceFactor(2);
    }

    private static void assertFinite(float[] params) {
        for (float p : params) {
            assertTrue(Float.isFinite(p), "non-finite parameter");
        }
    }

    @Test
    void haltIsTheDefaultAndKeepsTheLastGoodParameters() {
        LockstepClassifier c = jump();
        assertEquals("halt", c.getOnDivergence());
        LockstepClassificationModel m = c.fit(df);
        TrainingHistory h = m.history();
        assertEquals("DIVERGED", h.outcome());
        assertEquals(1, h.divergences().size(), h.divergences().toString());
        DivergenceEvent d = h.divergences().get(0);
        assertEquals("halt", d.action());
        assertTrue(d.step() > WARMUP, "diverges after the jump: " + d);
        assertEquals(d.step() - 1, h.steps(), "the last good state is the one whose loss was accepted");
        assertFinite(m.parameters());
        // reference: a fit of that many steps at the warmup rate (no scaling, no warmup), which never diverges
        LockstepClassificationModel shorter = sgd().setSteps(h.steps()).fit(df);
        assertEquals("COMPLETED", shorter.history().outcome());
        assertArrayEquals(shorter.parameters(), m.parameters(), "the halted model = a fit of " + h.steps() + " steps");
    }

    @Test
    void rollbackRecoversAndCompletes() {
        LockstepClassificationModel m = jump().setOnDivergence("rollback").setRollbackLrFactor(0.1).setMaxRollbacks(5)
                .fit(df);
        TrainingHistory h = m.history();
        List<DivergenceEvent> events = h.divergences();
        assertTrue(!events.isEmpty(), "at least one rollback");
        double factor = 1;
        for (DivergenceEvent d : events) {
            assertEquals("rollback", d.action(), d.toString());
            factor *= 0.1;
            assertEquals(factor, d.lrFactor(), 1e-12, d.toString());
        }
        assertEquals("COMPLETED", h.outcome());
        assertEquals(STEPS, h.steps());
        assertFinite(m.parameters());
    }

    @Test
    void rollbackHaltsWhenRollbacksRunOut() {
        TrainingHistory h = jump().setOnDivergence("rollback").setMaxRollbacks(0).fit(df).history();
        assertEquals("DIVERGED", h.outcome());
        assertEquals(List.of("halt"), h.divergences().stream().map(DivergenceEvent::action).toList());
    }
}
