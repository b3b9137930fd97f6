package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkDefaultsTest {
    @Test
    void fillsInWhatIsMissing() {
        SparkConf c = SparkDefaults.apply(new SparkConf(false));
        assertEquals("64m", c.get("spark.task.maxDirectResultSize"));
        assertEquals("false", c.get("spark.broadcast.compress"));
        assertEquals("1", c.get("spark.executorEnv.OMP_NUM_THREADS"));
        assertEquals("1.0", c.get("spark.scheduler.minRegisteredResourcesRatio"));
    }

    @Test
    void neverOverridesTheUsersSettings() {
        SparkConf c = SparkDefaults.apply(new SparkConf(false)
                .set("spark.task.maxDirectResultSize", "8m")
                .set("spark.executorEnv.OMP_NUM_THREADS", "2")
                .set("spark.scheduler.minRegisteredResourcesRatio", "0.5"));
        assertEquals("8m", c.get("spark.task.maxDirectResultSize"));
        assertEquals("2", c.get("spark.executorEnv.OMP_NUM_THREADS"));
        assertEquals("0.5", c.get("spark.scheduler.minRegisteredResourcesRatio"));
    }
}
