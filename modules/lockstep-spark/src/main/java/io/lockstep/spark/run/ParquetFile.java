package io.lockstep.spark.run;

import io.lockstep.spark.SqlTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a small table as one local Parquet file (Spark writes one partition to a temporary directory;
 * its part file is renamed into place atomically).
 */
public final class ParquetFile {
    private static final Map<Class<?>, DataType> TYPES = Map.of(String.class, DataTypes.StringType,
            Long.class, DataTypes.LongType, Double.class, DataTypes.DoubleType, Boolean.class, DataTypes.BooleanType);

    private ParquetFile() {}

    /**
     * @param types one of String, Long, Double or Boolean per column; every value is of its column's type or null
     */
    public static void write(Runner runner, List<String> names, List<Class<?>> types, List<Object[]> rows, Path target)
            throws IOException {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            fields.add(DataTypes.createStructField(names.get(i), TYPES.get(types.get(i)), true));
        }
        List<Row> sparkRows = rows.stream().map(RowFactory::create).toList();
        Path tmpDir = target.resolveSibling("." + target.getFileName() + ".tmp");
        deleteTree(tmpDir);
        SparkSession spark = SqlTables.session(runner.context());
        spark.conf().set("spark.sql.debug.maxToStringFields", String.valueOf(names.size() + 10)); // no "truncated plan" warning
        spark.createDataFrame(sparkRows, new StructType(fields.toArray(StructField[]::new))).coalesce(1)
                .write().parquet(tmpDir.toAbsolutePath().toUri().toString());
        Path part;
        try (Stream<Path> files = Files.list(tmpDir)) {
            part = files.filter(f -> f.getFileName().toString().matches("part-.*\\.parquet")).findFirst()
                    .orElseThrow(() -> new IOException("Spark wrote no parquet part file to " + tmpDir));
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(tmpDir);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
