package io.lockstep.spark.ml;

import io.lockstep.spark.SparkDefaults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.network.util.JavaUtils;

/**
 * Compares a running session's Spark settings with what Lockstep needs ({@link SparkDefaults}, which only
 * apply when Lockstep starts the context itself) and says what to set: one line per setting, each at most
 * once per Spark application.
 */
final class SessionCheck {
    private static final String MAX_DIRECT = "spark.task.maxDirectResultSize";
    private static final String COMPRESS = "spark.broadcast.compress";
    private static final String OMP = "spark.executorEnv.OMP_NUM_THREADS";
    private static final String RATIO = "spark.scheduler.minRegisteredResourcesRatio";
    private static final String MAX_RESULT = "spark.driver.maxResultSize";
    private static final Map<String, Set<String>> WARNED = new HashMap<>();

    private SessionCheck() {}

    /**
     * Sends to {@code warn} every problem of {@code sc}'s settings not yet reported for its application.
     *
     * @param stepResultBytes bytes the driver collects per training step (P gradient sums)
     * @return the lines sent
     */
    static List<String> warnOnce(SparkContext sc, long stepResultBytes, Consumer<String> warn) {
        List<String> sent = new ArrayList<>();
        Map<String, String> problems = problems(sc.getConf(), sc.isLocal(), System.getenv("OMP_NUM_THREADS"),
                stepResultBytes);
        synchronized (WARNED) {
            Set<String> done = WARNED.computeIfAbsent(sc.applicationId(), k -> new HashSet<>());
            problems.forEach((key, line) -> {
                if (done.add(key)) {
                    sent.add(line);
                }
            });
        }
        sent.forEach(warn);
        return sent;
    }

    /** Setting → one line saying what is set and what to set. Pure: for tests. */
    static Map<String, String> problems(SparkConf conf, boolean local, String ompEnv, long stepResultBytes) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        long direct = conf.getSizeAsBytes(MAX_DIRECT, "1m");
        if (direct < JavaUtils.byteStringAsBytes(SparkDefaults.SETTINGS.get(MAX_DIRECT))) {
            out.put(MAX_DIRECT, line(MAX_DIRECT, conf.get(MAX_DIRECT, "1m (default)"), "gradient sums then detour"
                    + " through the block manager every step", SparkDefaults.SETTINGS.get(MAX_DIRECT)));
        }
        if (conf.getBoolean(COMPRESS, true)) {
            out.put(COMPRESS, line(COMPRESS, conf.get(COMPRESS, "true (default)"), "float parameter vectors do not"
                    + " compress; every step pays for trying", "false"));
        }
        if (local) {
            if (!"1".equals(ompEnv)) {
                out.put("OMP_NUM_THREADS", "Lockstep: environment variable OMP_NUM_THREADS is "
                        + (ompEnv == null ? "unset" : ompEnv) + " in this local-mode driver, so concurrent tasks"
                        + " oversubscribe the cores with BLAS threads: start the JVM with OMP_NUM_THREADS=1");
            }
        } else {
            if (!"1".equals(conf.get(OMP, null))) {
                out.put(OMP, line(OMP, conf.get(OMP, "unset"), "concurrent tasks on an executor oversubscribe its"
                        + " cores with BLAS threads", "1"));
            }
            if (conf.getDouble(RATIO, 0) < 1.0) {
                out.put(RATIO, line(RATIO, conf.get(RATIO, "unset"), "the first job may pin the data to the"
                        + " executors registered so far", "1.0"));
            }
        }
        long maxResult = conf.getSizeAsBytes(MAX_RESULT, "1g");
        if (maxResult > 0 && stepResultBytes > maxResult) {
            out.put(MAX_RESULT, "Lockstep: Spark setting " + MAX_RESULT + " is " + conf.get(MAX_RESULT, "1g (default)")
                    + " but every step collects " + stepResultBytes + " bytes of gradient sums, so it would fail: set "
                    + MAX_RESULT + "=" + ((stepResultBytes >> 20) * 2 + 1) + "m or more");
        }
        return out;
    }

    private static String line(String key, String value, String why, String wanted) {
        return "Lockstep: Spark setting " + key + " is " + value + " (" + why + "): set " + key + "=" + wanted
                + " when building the SparkSession, or start it with SparkDefaults.apply(conf)";
    }
}
