package io.lockstep.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_block_start;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.when;

import io.lockstep.data.DataException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads a labelled table (parquet or CSV, any path Spark reads) into {@link IndexedExamples}, ready to
 * be sharded like an in-memory dataset (or a table without labels, to be scored: {@link TableSpec#labelled()}). Everything runs on the cluster; the driver only sees schemas,
 * per-partition counts and statistics.
 *
 * <p><b>Global order.</b> Row i is the i-th row when the input files are taken in path order
 * (lexicographic, as {@code input_file_name()} reports them) and each file's rows in file order. One
 * aggregation, grouped by file block ({@code input_file_name(), input_file_block_start()}), counts
 * the rows of every block Spark reads; sorting the blocks gives each its first global index, and
 * row k of a block gets {@code offset + k} (the numbering {@code zipWithIndex} would give the files
 * read one after the other, without its extra counting job). It depends only on the files: not on
 * the number of shards, nor on how Spark splits and packs files into tasks (which changes with the
 * cluster's parallelism). Every later pass checks that each block still has its counted rows.
 *
 * <p><b>Validation.</b> The same single aggregation yields row count, null/NaN/non-integral label
 * counts, label min/max, null and non-finite feature counts, and min/max feature-row length. The
 * first problem found becomes one {@link DataException} naming the path, the column and the problem,
 * before any training; only then does a further job locate the first offending row for the message
 * ("first at row i": the global index above, counting from 0).
 */
public final class SqlTables {
    private static final int LISTED_COLUMNS = 12;
    private static final String LABEL = "label";
    private static final String FEATURES = "features";
    private static final String FILE = "file";
    private static final String START = "start";

    private SqlTables() {}

    /**
     * The SparkSession on top of {@code sc} (created on first use). Bound to the context directly, as
     * {@code new SQLContext(sc)} does: {@code builder().config(conf)} would log "Using an existing
     * SparkContext" on every run.
     */
    public static SparkSession session(JavaSparkContext sc) {
        return SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    }

    /** See {@link #read(SparkSession, TableSpec)}. */
    public static IndexedExamples read(JavaSparkContext sc, TableSpec spec) {
        return read(session(sc), spec);
    }

    /**
     * Opens and validates the table, and numbers its rows. Two jobs run here (a tiny header read for
     * CSV, then the validating aggregation); the rows themselves are read again, once, by
     * {@link IndexedExamples#shard}.
     *
     * @throws DataException if the path is missing or unreadable, a column is missing or has the wrong
     *     type, a value is null/NaN/infinite, a label is not an integer in {@code [0, numClasses)}, the
     *     feature rows differ in length, or there are no rows
     */
    public static IndexedExamples read(SparkSession spark, TableSpec spec) {
        String path = spec.path();
        checkExists(spark, path);
        boolean csv = spec.format() == TableSpec.Format.CSV;
        Dataset<Row> table;
        Selection sel;
        if (csv) {
            StructType header = guard(path, "read the header of", () -> spark.read().option("header", "true")
                    .option("inferSchema", "false").csv(path).schema());
            if (header.fields().length == 0) {
                throw new DataException(path + ": no header line (csv input needs a header row naming the columns)");
            }
            sel = Selection.resolve(path, header, spec);
            StructType typed = typedCsvSchema(header, sel);
            table = guard(path, "read", () -> spark.read().schema(typed).option("header", "true")
                    .option("enforceSchema", "false").option("mode", "PERMISSIVE").csv(path));
        } else {
            table = guard(path, "read", () -> spark.read().parquet(path));
            sel = Selection.resolve(path, table.schema(), spec);
        }
        return index(table, Blocks.files(path), sel, spec.numClasses(), csv);
    }

    /**
     * Validates and numbers the rows of a DataFrame exactly as {@link #read} does a table's, but in the
     * DataFrame's own order: row i is the i-th row when its partitions are taken in order and each
     * partition's rows in iteration order (the numbering of {@code zipWithIndex}). The DataFrame is
     * computed twice (validation, then sharding), so its partitions must be deterministic (cache it
     * otherwise); a changed partition is reported, never silently renumbered.
     *
     * @param name        what to call the data in messages (e.g. "the training DataFrame")
     * @param featuresCol an {@code array<float>}/{@code array<double>} (any numeric elements) column
     * @param numClasses  classes K (labels must be integers in {@code [0, K)}); 0 = the largest label + 1 (at least 2)
     * @throws DataException naming the data, the column and the problem (as {@link #read})
     */
    public static IndexedExamples fromDataFrame(Dataset<Row> df, String name, String labelCol, String featuresCol,
                                                int numClasses) {
        Selection sel = Selection.resolve(name, df.schema(), labelCol, featuresCol, null);
        return index(df, Blocks.partitions(name), sel, numClasses, false);
    }

    /**
     * The column names of a table, in schema order (parquet: from the files' metadata; csv: its header line),
     * without reading its rows.
     *
     * @throws DataException if the path is missing or unreadable, or a csv file has no header
     */
    public static List<String> columnNames(SparkSession spark, TableSpec.Format format, String path) {
        checkExists(spark, path);
        StructType schema = format == TableSpec.Format.CSV
                ? guard(path, "read the header of", () -> spark.read().option("header", "true")
                        .option("inferSchema", "false").csv(path).schema())
                : guard(path, "read", () -> spark.read().parquet(path).schema());
        return List.of(schema.fieldNames());
    }

    /** Where a row's numbering block comes from: its file split (tables) or its partition (DataFrames). */
    private record Blocks(String name, Supplier<Column> file, Supplier<Column> start) {
        static Blocks files(String path) {
            return new Blocks(path, () -> input_file_name(), () -> input_file_block_start());
        }

        static Blocks partitions(String name) {
            return new Blocks(name, () -> lit("partition"), () -> spark_partition_id().cast(DataTypes.LongType));
        }
    }

    /** The shared validating aggregation and numbering of {@link #read} and {@link #fromDataFrame}. */
    private static IndexedExamples index(Dataset<Row> table, Blocks src, Selection sel, int numClasses, boolean csv) {
        String path = src.name();
        sel.checkTypes(path, table.schema());

        Column features = sel.array != null
                ? col(quote(sel.array)).cast(DataTypes.createArrayType(DataTypes.FloatType, true))
                : org.apache.spark.sql.functions.array(sel.columns.stream()
                        .map(c -> col(quote(c)).cast(DataTypes.FloatType)).toArray(Column[]::new));
        // Projected right above the scan, so input_file_name()/input_file_block_start() see the file read.
        Column label = sel.label == null ? lit(0.0) : col(quote(sel.label)).cast(DataTypes.DoubleType);
        Dataset<Row> withBlocks = table.select(label.as(LABEL),
                features.as(FEATURES), src.file().get().as(FILE), src.start().get().as(START));
        Stats stats = guard(path, "read", () -> Stats.of(withBlocks));
        Map<Block, long[]> blocks = stats.blocks();
        int k = numClasses > 0 ? numClasses : autoClasses(stats);
        new Checker(src, k, sel, table, withBlocks, stats, blocks, csv).check();

        JavaRDD<LabeledRow> rdd = guard(path, "plan", () -> withBlocks.as(Encoders.bean(LabeledRow.class)).javaRDD());
        JavaPairRDD<Long, Example> indexed = JavaPairRDD.fromJavaRDD(rdd.mapPartitions(
                it -> new Numbering(it, blocks, path), true));
        return new IndexedExamples(indexed, (int) stats.rows, stats.minLength, k, path);
    }

    /** The largest label + 1, at least 2 (the range check then only rejects negative labels). */
    private static int autoClasses(Stats stats) {
        double max = stats.labelMax;
        return Double.isFinite(max) && max >= 1 && max < Integer.MAX_VALUE - 1 ? (int) Math.floor(max) + 1 : 2;
    }

    /** The row as the encoder delivers it: a double label (checked integral), a float feature row, its file block. */
    public static final class LabeledRow implements Serializable {
        private static final long serialVersionUID = 1L;
        private double label;
        private float[] features;
        private String file;
        private long start;

        public double getLabel() { return label; }
        public void setLabel(double label) { this.label = label; }
        public float[] getFeatures() { return features; }
        public void setFeatures(float[] features) { this.features = features; }
        public String getFile() { return file; }
        public void setFile(String file) { this.file = file; }
        public long getStart() { return start; }
        public void setStart(long start) { this.start = start; }
    }

    /** A part of one file that Spark reads as a unit (a split), in global order by (file, start). */
    record Block(String file, long start) implements Comparable<Block>, Serializable {
        @Override
        public int compareTo(Block o) {
            int c = file.compareTo(o.file);
            return c != 0 ? c : Long.compare(start, o.start);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Opening

    private static void checkExists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            FileStatus[] found = fs.globStatus(p);
            if (found == null || found.length == 0) {
                throw new DataException(path + ": not found");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException(path + ": cannot access: " + innermost(e), e);
        }
    }

    static StructType typedCsvSchema(StructType header, Selection sel) {
        Set<String> features = new LinkedHashSet<>(sel.columns);
        List<StructField> fields = new ArrayList<>();
        for (StructField f : header.fields()) {
            DataType t = f.name().equals(sel.label) ? DataTypes.DoubleType
                    : features.contains(f.name()) ? DataTypes.FloatType : DataTypes.StringType;
            fields.add(DataTypes.createStructField(f.name(), t, true));
        }
        return DataTypes.createStructType(fields);
    }

    /** Runs Spark work, turning its failures into one DataException naming the path. */
    private static <T> T guard(String path, String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (Exception e) {
            Throwable own = e;
            while (own != null && !(own instanceof DataException)) {
                own = own.getCause();
            }
            if (own != null) {
                throw (DataException) own;
            }
            String why = innermost(e);
            if (why.contains("Unable to infer schema")) {
                throw new DataException(path + ": no data files found", e);
            }
            throw new DataException(path + ": cannot " + what + " the input: " + why, e);
        }
    }

    private static String innermost(Throwable t) {
        Throwable cur = t;
        String msg = null;
        while (cur != null) {
            if (cur.getMessage() != null && !cur.getMessage().isBlank()) {
                msg = cur.getClass().getSimpleName() + ": " + cur.getMessage();
            }
            cur = cur.getCause() == cur ? null : cur.getCause();
        }
        if (msg == null) {
            return t.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        return msg.length() > 300 ? msg.substring(0, 300) + "..." : msg;
    }

    static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    static String available(StructType schema) {
        String[] names = schema.fieldNames();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(names.length, LISTED_COLUMNS); i++) {
            b.append(i == 0 ? "" : ", ").append(names[i]);
        }
        if (names.length > LISTED_COLUMNS) {
            b.append(", ... (").append(names.length).append(" columns)");
        }
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Columns

    /**
     * The resolved column names: the label, and either the array column or the feature columns (package-private for
     * its fuzz target, SqlTablesSelectionFuzzTest: pure schema logic, no Spark job).
     */
    record Selection(String label, String array, List<String> columns) {
        static Selection resolve(String path, StructType schema, TableSpec spec) {
            return resolve(path, schema, spec.labelCol(), spec.featuresCol(), spec.featureCols());
        }

        /** Either {@code featuresCol} (array mode) or {@code featureCols} (column mode) is null. */
        static Selection resolve(String path, StructType schema, String labelCol, String featuresCol,
                                 List<String> featureCols) {
            Set<String> names = new LinkedHashSet<>(List.of(schema.fieldNames()));
            if (labelCol != null && !names.contains(labelCol)) {
                throw new DataException(path + ": label column '" + labelCol + "' not found; available columns: "
                        + available(schema));
            }
            if (featuresCol != null) {
                if (!names.contains(featuresCol)) {
                    throw new DataException(path + ": features column '" + featuresCol
                            + "' not found; available columns: " + available(schema));
                }
                if (featuresCol.equals(labelCol)) {
                    throw new DataException(path + ": column '" + labelCol + "' cannot be both label and features");
                }
                return new Selection(labelCol, featuresCol, List.of());
            }
            Set<String> chosen = new LinkedHashSet<>();
            if (featureCols.isEmpty()) {
                names.stream().filter(n -> !n.equals(labelCol)).forEach(chosen::add);
                if (chosen.isEmpty()) {
                    throw new DataException(path + ": no feature columns besides the label column '" + labelCol + "'");
                }
            }
            for (String entry : featureCols) {
                List<String> matched = new ArrayList<>();
                if (entry.endsWith("*")) {
                    String prefix = entry.substring(0, entry.length() - 1);
                    names.stream().filter(n -> n.startsWith(prefix) && !n.equals(labelCol)).forEach(matched::add);
                    if (matched.isEmpty()) {
                        throw new DataException(path + ": no column starts with '" + prefix + "' (feature columns '"
                                + entry + "'); available columns: " + available(schema));
                    }
                } else {
                    if (!names.contains(entry)) {
                        throw new DataException(path + ": feature column '" + entry + "' not found; available columns: "
                                + available(schema));
                    }
                    if (entry.equals(labelCol)) {
                        throw new DataException(path + ": column '" + entry + "' cannot be both label and feature");
                    }
                    matched.add(entry);
                }
                for (String m : matched) {
                    if (!chosen.add(m)) {
                        throw new DataException(path + ": feature column '" + m + "' is selected twice");
                    }
                }
            }
            return new Selection(labelCol, null, List.copyOf(chosen));
        }

        void checkTypes(String path, StructType schema) {
            DataType lt = label == null ? null : schema.apply(label).dataType();
            if (lt != null && !(lt instanceof NumericType)) {
                throw new DataException(path + ": label column '" + label + "' has type " + lt.simpleString()
                        + ", expected a numeric type (integral class labels)");
            }
            if (array != null) {
                DataType ft = schema.apply(array).dataType();
                if (!(ft instanceof ArrayType at && at.elementType() instanceof NumericType)) {
                    throw new DataException(path + ": features column '" + array + "' has type " + ft.simpleString()
                            + ", expected array<float> or array<double>");
                }
                return;
            }
            for (String c : columns) {
                DataType t = schema.apply(c).dataType();
                if (!(t instanceof NumericType)) {
                    throw new DataException(path + ": feature column '" + c + "' has type " + t.simpleString()
                            + ", expected a numeric type");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The validating aggregation

    /**
     * True for a non-null float array holding a null, NaN or ±Infinity. Built from code-generated
     * array functions (a lambda such as {@code exists} would be interpreted element by element):
     * {@code array_contains(a, NaN)} is true with a NaN (NaN equals NaN here), null when there is no
     * NaN but a null element, else false.
     */
    private static Column nonFinite(Column array) {
        Column nanOrNull = coalesce(array_contains(array, Float.NaN), lit(true));
        Column infinite = array_max(array).equalTo(Float.POSITIVE_INFINITY)
                .or(array_min(array).equalTo(Float.NEGATIVE_INFINITY));
        return when(array.isNotNull(), nanOrNull.or(coalesce(infinite, lit(false)))).otherwise(false);
    }

    /** Totals of the one validating pass, plus the row count of every file block. */
    private static final class Stats {
        long rows;
        long labelNull;
        long labelNaN;
        long labelFraction;
        double labelMin = Double.POSITIVE_INFINITY;
        double labelMax = Double.NEGATIVE_INFINITY;
        long featuresNull;
        long featuresBad;
        int minLength = Integer.MAX_VALUE;
        int maxLength = Integer.MIN_VALUE;
        final Map<Block, Long> blockCounts = new TreeMap<>();

        static Stats of(Dataset<Row> rows) {
            Column label = col(LABEL);
            Column features = col(FEATURES);
            Column bad = nonFinite(features);
            Column length = when(features.isNotNull(), size(features));
            List<Row> parts = rows.groupBy(col(FILE), col(START)).agg(
                    count(lit(1)),
                    count(when(label.isNull(), 1)),
                    count(when(isnan(label), 1)),
                    count(when(label.notEqual(rint(label)), 1)),
                    min(label), max(label),
                    count(when(features.isNull(), 1)),
                    count(when(bad, 1)),
                    min(length), max(length)).collectAsList();
            Stats s = new Stats();
            for (Row r : parts) {
                Block b = new Block(r.getString(0), r.getLong(1));
                if (b.file().isEmpty() || s.blockCounts.put(b, r.getLong(2)) != null) {
                    throw new IllegalStateException("cannot tell the input files apart (block " + b + ")");
                }
                s.rows += r.getLong(2);
                s.labelNull += r.getLong(3);
                s.labelNaN += r.getLong(4);
                s.labelFraction += r.getLong(5);
                if (!r.isNullAt(6)) {
                    s.labelMin = Math.min(s.labelMin, r.getDouble(6));
                    s.labelMax = Math.max(s.labelMax, r.getDouble(7));
                }
                s.featuresNull += r.getLong(8);
                s.featuresBad += r.getLong(9);
                if (!r.isNullAt(10)) {
                    s.minLength = Math.min(s.minLength, r.getInt(10));
                    s.maxLength = Math.max(s.maxLength, r.getInt(11));
                }
            }
            return s;
        }

        /** Every block's {global index of its first row, row count}, blocks in (file, start) order. */
        Map<Block, long[]> blocks() {
            Map<Block, long[]> out = new HashMap<>();
            long next = 0;
            for (Map.Entry<Block, Long> e : blockCounts.entrySet()) {
                out.put(e.getKey(), new long[] {next, e.getValue()});
                next += e.getValue();
            }
            return out;
        }
    }

    /** Turns the statistics into the first problem found, with the row where it first occurs. */
    private record Checker(Blocks src, int numClasses, Selection sel, Dataset<Row> table, Dataset<Row> rows,
                           Stats stats, Map<Block, long[]> blocks, boolean csv) {
        void check() {
            String path = src.name();
            if (stats.rows == 0) {
                throw new DataException(path + ": no rows");
            }
            if (stats.rows > Integer.MAX_VALUE - 8) {
                throw new DataException(path + ": " + stats.rows + " rows; at most " + (Integer.MAX_VALUE - 8)
                        + " examples are supported");
            }
            String lab = "label column '" + sel.label + "'";
            Column label = col(LABEL);
            String missing = csv ? "empty or not a number" : "null";
            if (stats.labelNull > 0) {
                fail(lab + " is " + missing, stats.labelNull, rows, label.isNull());
            }
            if (stats.labelNaN > 0) {
                fail(lab + " is NaN", stats.labelNaN, rows, isnan(label));
            }
            if (stats.labelFraction > 0) {
                fail(lab + " has non-integral values (labels are class indices)", stats.labelFraction, rows,
                        label.notEqual(rint(label)));
            }
            int k = numClasses;
            if (stats.labelMin < 0 || stats.labelMax >= k) {
                Column out = label.lt(0).or(label.geq(k));
                long where = firstRow(rows, out);
                throw new DataException(path + ": " + lab + " has values in [" + number(stats.labelMin) + ", "
                        + number(stats.labelMax) + "], outside [0, " + k + ") for " + k + " classes (first at row "
                        + where + ")");
            }
            if (sel.array != null) {
                String feat = "features column '" + sel.array + "'";
                Column features = col(FEATURES);
                if (stats.featuresNull > 0) {
                    fail(feat + " is null", stats.featuresNull, rows, features.isNull());
                }
                if (stats.featuresBad > 0) {
                    fail(feat + " contains null, NaN or infinite values", stats.featuresBad, rows, nonFinite(features));
                }
                if (stats.minLength != stats.maxLength) {
                    long where = firstRow(rows, size(features).equalTo(stats.minLength));
                    throw new DataException(path + ": " + feat + " has rows with " + stats.minLength + " to "
                            + stats.maxLength + " values (first with " + stats.minLength + " at row " + where
                            + "); every row needs the same number of features");
                }
                if (stats.minLength == 0) {
                    throw new DataException(path + ": " + feat + " holds empty arrays");
                }
            } else if (stats.featuresBad > 0) {
                // Which column? One more aggregation, only on this error path.
                Column[] perColumn = sel.columns.stream().map(c -> count(when(badValue(c), 1))).toArray(Column[]::new);
                Row counts = table.agg(perColumn[0], java.util.Arrays.copyOfRange(perColumn, 1, perColumn.length)).first();
                for (int i = 0; i < sel.columns.size(); i++) {
                    if (counts.getLong(i) > 0) {
                        String c = sel.columns.get(i);
                        fail("feature column '" + c + "' is " + missing + ", NaN or infinite", counts.getLong(i),
                                table, badValue(c));
                    }
                }
                throw new DataException(path + ": feature columns contain missing, NaN or infinite values");
            }
        }

        private static Column badValue(String column) {
            Column v = col(quote(column)).cast(DataTypes.FloatType);
            return v.isNull().or(isnan(v)).or(org.apache.spark.sql.functions.abs(v).equalTo(Float.POSITIVE_INFINITY));
        }

        private void fail(String problem, long rowsAffected, Dataset<Row> in, Column condition) {
            String path = src.name();
            long where = firstRow(in, condition);
            throw new DataException(path + ": " + problem + " in " + rowsAffected + (rowsAffected == 1 ? " row" : " rows")
                    + " (first at row " + where + ")");
        }

        /** Global index of the first row meeting {@code condition} (a full pass: error path only). */
        private long firstRow(Dataset<Row> in, Column condition) {
            Map<Block, long[]> where = blocks;
            List<Long> hits = guard(src.name(), "read", () -> in.select(src.file().get(), src.start().get(),
                            coalesce(condition, lit(false))).javaRDD().mapPartitions(it -> {
                        long first = Long.MAX_VALUE;
                        Block block = null;
                        long k = 0;
                        while (it.hasNext()) {
                            Row r = it.next();
                            if (block == null || !block.file().equals(r.getString(0)) || block.start() != r.getLong(1)) {
                                block = new Block(r.getString(0), r.getLong(1));
                                k = 0;
                            }
                            if (r.getBoolean(2) && where.containsKey(block)) {
                                first = Math.min(first, where.get(block)[0] + k);
                            }
                            k++;
                        }
                        return List.of(first).iterator();
                    }).collect());
            long first = hits.stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
            return first == Long.MAX_VALUE ? -1 : first;
        }

        private static String number(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Numbering

    /**
     * Numbers the rows of one task: row k of block b gets {@code offset(b) + k}. Checks that every block
     * it meets was counted and still has exactly its counted rows.
     */
    private static final class Numbering implements Iterator<Tuple2<Long, Example>> {
        private final Iterator<LabeledRow> rows;
        private final Map<Block, long[]> blocks;
        private final String path;
        private Block block;
        private long offset;
        private long expected;
        private long k;

        Numbering(Iterator<LabeledRow> rows, Map<Block, long[]> blocks, String path) {
            this.rows = rows;
            this.blocks = blocks;
            this.path = path;
        }

        @Override
        public boolean hasNext() {
            boolean more = rows.hasNext();
            if (!more) {
                finishBlock();
            }
            return more;
        }

        @Override
        public Tuple2<Long, Example> next() {
            if (!rows.hasNext()) {
                throw new NoSuchElementException();
            }
            LabeledRow r = rows.next();
            if (block == null || block.start() != r.getStart() || !block.file().equals(r.getFile())) {
                finishBlock();
                block = new Block(r.getFile(), r.getStart());
                long[] at = blocks.get(block);
                if (at == null) {
                    throw changed(block + " was not there when the input was validated");
                }
                offset = at[0];
                expected = at[1];
                k = 0;
            }
            if (k >= expected) {
                throw changed(block + " has more than the " + expected + " rows counted when validated");
            }
            return new Tuple2<>(offset + k++, new Example((int) r.getLabel(), r.getFeatures()));
        }

        private void finishBlock() {
            if (block != null && k != expected) {
                throw changed(block + " has " + k + " rows, " + expected + " when validated");
            }
        }

        private DataException changed(String what) {
            return new DataException(path + ": the input changed while being read: " + what);
        }
    }
}
