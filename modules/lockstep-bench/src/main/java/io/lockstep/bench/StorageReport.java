package io.lockstep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * Memory used by Spark's storage on each block manager (driver and executors): shows whether the
 * cached shards are spread over all executors of a cluster, which scaling depends on.
 */
final class StorageReport {
    private StorageReport() {}

    static String of(JavaSparkContext sc) {
        Map<String, Tuple2<Object, Object>> status =
                new TreeMap<>(JavaConverters.mapAsJavaMapConverter(sc.sc().getExecutorMemoryStatus()).asJava());
        List<String> parts = new ArrayList<>();
        status.forEach((manager, maxAndRemaining) -> {
            long used = (Long) maxAndRemaining._1() - (Long) maxAndRemaining._2();
            parts.add(String.format(Locale.ROOT, "%s %.0f MB", manager, used / 1e6));
        });
        return parts.size() + " block manager(s): " + String.join(", ", parts);
    }
}
