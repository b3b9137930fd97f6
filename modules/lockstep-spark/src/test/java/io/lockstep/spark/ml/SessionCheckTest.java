package io.lockstep.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.spark.SparkDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Settings an existing session lacks are reported once per application, one line each, saying what to set. */
class SessionCheckTest {
    @Test
    void aPlainClusterConfLacksEverySetting() {
        Map<String, String> p = SessionCheck.problems(new SparkConf(false), false, null, 1000);
        assertEquals(List.of("spark.task.maxDirectResultSize", "spark.broadcast.compress",
                "spark.executorEnv.OMP_NUM_THREADS", "spark.scheduler.minRegisteredResourcesRatio"),
                List.copyOf(p.keySet()));
        assertTrue(p.get("spark.task.maxDirectResultSize").contains("set spark.task.maxDirectResultSize=64m"),
                p.get("spark.task.maxDirectResultSize"));
        assertTrue(p.get("spark.executorEnv.OMP_NUM_THREADS").contains("set spark.executorEnv.OMP_NUM_THREADS=1"));
        p.values().forEach(line -> assertTrue(!line.contains("\n"), line));
    }

    @Test
    void lockstepsOwnDefaultsLeaveNothingToSay() {
        assertEquals(Map.of(), SessionCheck.problems(SparkDefaults.apply(new SparkConf(false)), false, null, 1000));
        assertEquals(Map.of(), SessionCheck.problems(SparkDefaults.apply(new SparkConf(false)), true, "1", 1000));
    }

    @Test
    void localModeChecksTheDriversThreadsAndResultSizeIsCheckedAgainstTheStep() {
        SparkConf conf = SparkDefaults.apply(new SparkConf(false)).set("spark.driver.maxResultSize", "1m");
        Map<String, String> p = SessionCheck.problems(conf, true, "4", 3L << 20);
        assertEquals(List.of("OMP_NUM_THREADS", "spark.driver.maxResultSize"), List.copyOf(p.keySet()));
        assertTrue(p.get("OMP_NUM_THREADS").contains("is 4"), p.get("OMP_NUM_THREADS"));
        assertTrue(p.get("spark.driver.maxResultSize").contains("collects 3145728 bytes"), p.get("spark.driver.maxResultSize"));
    }

    @Test
    void fitOnAnExistingSessionWarnsOncePerApplication() {
        SparkSession spark = MlTestData.session("SessionCheckTest"); // no SparkDefaults: maxDirectResultSize, compress
        try {
            List<String> first = new ArrayList<>();
            SessionCheck.warnOnce(spark.sparkContext(), 1000, first::add);
            assertTrue(first.stream().anyMatch(l -> l.startsWith("Lockstep: Spark setting spark.task.maxDirectResultSize")),
                    first.toString());
            List<String> again = new ArrayList<>();
            SessionCheck.warnOnce(spark.sparkContext(), 1000, again::add);
            assertEquals(List.of(), again);
        } finally {
            spark.stop();
        }
        SparkSession next = MlTestData.session("SessionCheckTest-2");
        try {
            new LockstepClassifier().setGlobalBatch(16).setWorkers(2).setEpochs(1).setEvalTrain(false)
                    .fit(new VectorAssembler().setInputCols(MlTestData.FEATURES).setOutputCol("features")
                            .transform(MlTestData.blobs(next, 40, 1, 2)));
            List<String> afterFit = new ArrayList<>();
            SessionCheck.warnOnce(next.sparkContext(), 1000, afterFit::add);
            assertEquals(List.of(), afterFit, "fit already reported this application's settings");
        } finally {
            next.stop();
        }
    }
}
