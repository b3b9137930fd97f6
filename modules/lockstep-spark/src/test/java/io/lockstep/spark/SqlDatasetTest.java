package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataException;
import io.lockstep.data.Dataset;
import io.lockstep.data.HoldOut;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark SQL input: parquet and CSV tables written from an in-memory dataset read back as exactly that
 * dataset (same global order, for any P, however Spark splits the files), train bit-identically to
 * {@link ShardedDataset#distribute}, and every schema or value problem stops with one message naming
 * the path, the column and the problem.
 */
class SqlDatasetTest {
    private static final int CLASSES = 3;

    @TempDir
    static Path tmp;

    private static JavaSparkContext sc;
    private static SparkSession spark;
    private static Dataset data;
    private static String parquet;
    private static String csv;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(2, "sql-dataset");
        spark = SqlTables.session(sc);
        data = Synthetic.blobs(150, 6, CLASSES, 17);
        // Three files of 10, 90 and 50 rows: Spark itself would plan the largest file first.
        int[] cuts = {0, 10, 100, 150};
        parquet = tmp.resolve("blobs.parquet").toString();
        frame(data, cuts, DataTypes.FloatType).write().parquet(parquet);
        csv = tmp.resolve("blobs-csv").toString();
        wide(data, cuts).write().option("header", "true").csv(csv);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    // ---------------------------------------------------------------------------------------------
    // Writing tables from a dataset

    /** label int + features array&lt;elementType&gt;, one file per [cuts[i], cuts[i+1]) in order. */
    private static org.apache.spark.sql.Dataset<Row> frame(Dataset d, int[] cuts, DataType elementType) {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("label", DataTypes.IntegerType, false),
                DataTypes.createStructField("features", DataTypes.createArrayType(elementType, false), false)));
        return spark.createDataFrame(slices(d, cuts, i -> {
            Object[] row = new Object[d.numFeatures()];
            for (int j = 0; j < row.length; j++) {
                float v = d.features()[i * d.numFeatures() + j];
                row[j] = elementType == DataTypes.FloatType ? (Object) v : (Object) (double) v;
            }
            return RowFactory.create(d.labels()[i], row);
        }), schema);
    }

    /** x0..x{d-1}, a text column, then the label: the CSV layout (features before the label on purpose). */
    private static org.apache.spark.sql.Dataset<Row> wide(Dataset d, int[] cuts) {
        List<StructField> fields = new ArrayList<>();
        for (int j = 0; j < d.numFeatures(); j++) {
            fields.add(DataTypes.createStructField("x" + j, DataTypes.FloatType, false));
        }
        fields.add(DataTypes.createStructField("note", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
        return spark.createDataFrame(slices(d, cuts, i -> {
            Object[] row = new Object[d.numFeatures() + 2];
            for (int j = 0; j < d.numFeatures(); j++) {
                row[j] = d.features()[i * d.numFeatures() + j];
            }
            row[d.numFeatures()] = "row " + i;
            row[d.numFeatures() + 1] = d.labels()[i];
            return RowFactory.create(row);
        }), DataTypes.createStructType(fields));
    }

    private static JavaRDD<Row> slices(Dataset d, int[] cuts, java.util.function.IntFunction<Row> make) {
        JavaRDD<Row> all = null;
        for (int s = 0; s + 1 < cuts.length; s++) {
            List<Row> rows = new ArrayList<>();
            for (int i = cuts[s]; i < cuts[s + 1]; i++) {
                rows.add(make.apply(i));
            }
            JavaRDD<Row> part = sc.parallelize(rows, 1);
            all = all == null ? part : all.union(part);
        }
        return all;
    }

    private static TableSpec arraySpec(String path) {
        return TableSpec.arrayColumn(TableSpec.Format.PARQUET, path, "label", "features", CLASSES);
    }

    private static TableSpec csvSpec(String path, List<String> cols) {
        return TableSpec.columns(TableSpec.Format.CSV, path, "label", cols, CLASSES);
    }

    /** The shards concatenated in partition order, checked to be contiguous N·p/P ranges. */
    private static Dataset rebuild(ShardedDataset sharded, int partitions) {
        List<Shard> shards = new ArrayList<>(sharded.shards().collect());
        shards.sort(Comparator.comparingInt(s -> s.index));
        assertEquals(partitions, shards.size());
        int n = sharded.size();
        int d = sharded.numFeatures();
        float[] f = new float[n * d];
        int[] l = new int[n];
        for (int p = 0; p < partitions; p++) {
            Shard s = shards.get(p);
            assertEquals(p, s.index);
            assertEquals((int) ((long) n * p / partitions), s.from);
            assertEquals((int) ((long) n * (p + 1) / partitions), s.to);
            System.arraycopy(s.features, 0, f, s.from * d, s.features.length);
            System.arraycopy(s.labels, 0, l, s.from, s.labels.length);
        }
        return new Dataset("rebuilt", f, l, d, sharded.numClasses());
    }

    private static void assertSameData(Dataset expected, Dataset actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.numFeatures(), actual.numFeatures());
        assertArrayEquals(expected.labels(), actual.labels());
        assertArrayEquals(expected.features(), actual.features());
    }

    // ---------------------------------------------------------------------------------------------
    // Round trips

    @Test
    void parquetReadsBackAsTheDatasetForAnyPartitionCount() {
        IndexedExamples table = SqlTables.read(spark, arraySpec(parquet));
        assertEquals(data.size(), table.size());
        assertEquals(data.numFeatures(), table.numFeatures());
        for (int p : new int[] {1, 3}) {
            ShardedDataset sharded = table.shard(p);
            try {
                assertTrue(sharded.shards().getStorageLevel().useMemory(), "shards are cached");
                assertSameData(data, rebuild(sharded, p));
            } finally {
                sharded.release();
            }
        }
    }

    @Test
    void doubleArraysAndCsvColumnsReadBackAsTheDataset() {
        String doubles = tmp.resolve("blobs-double.parquet").toString();
        frame(data, new int[] {0, 150}, DataTypes.DoubleType).write().parquet(doubles);
        ShardedDataset a = SqlTables.read(spark, arraySpec(doubles)).shard(2);
        // CSV split into many small blocks: the order must still be files by path, rows by position.
        spark.conf().set("spark.sql.files.maxPartitionBytes", "2000");
        spark.conf().set("spark.sql.files.openCostInBytes", "0");
        try {
            ShardedDataset b = SqlTables.read(spark, csvSpec(csv, List.of("x*"))).shard(3);
            ShardedDataset c = SqlTables.read(spark, csvSpec(csv, List.of("x0", "x1", "x2", "x3", "x4", "x5"))).shard(1);
            assertSameData(data, rebuild(a, 2));
            assertSameData(data, rebuild(b, 3));
            assertSameData(data, rebuild(c, 1));
            assertTrue(spark.read().option("header", "true").csv(csv).javaRDD().getNumPartitions() > 3,
                    "the CSV files were really split into several blocks");
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
            spark.conf().unset("spark.sql.files.openCostInBytes");
        }
    }

    @Test
    void holdOutChoosesExactlyLikeTheInMemorySplit() {
        HoldOut expected = HoldOut.split(data, 0.2, 99);
        IndexedExamples.Split split = SqlTables.read(spark, arraySpec(parquet)).holdOut(0.2, 99);
        assertSameData(expected.train(), rebuild(split.train().shard(2), 2));
        assertSameData(expected.validation(), rebuild(split.validation().shard(2), 2));
    }

    @Test
    void trainingOnParquetEqualsTrainingOnTheInMemoryDataset() {
        long seed = 5;
        ModelAdapter model = Models.byName("mlp", data.numFeatures(), CLASSES, seed);
        // A lenient divergence guard: this test is about data, not about the guard's defaults.
        TrainConfig config = TrainConfig.builder().globalBatch(30).workers(3).steps(6).lr(0.1)
                .optimizer(OptimizerConfig.sgd()).divergence(new DivergenceConfig(DivergenceConfig.Policy.HALT, 1e6, 0, 0.5))
                .seed(seed).build();
        IndexedExamples table = SqlTables.read(spark, arraySpec(parquet));
        ShardedDataset fromParquet = table.shard(3);
        ShardedDataset inMemory = ShardedDataset.distribute(sc, data, 3);
        ShardedDataset fromParquetSingle = table.shard(1);
        try {
            TrainResult ra = new SyncTrainer(sc, model, config).fit(fromParquet, TrainListener.NONE);
            assertEquals(TrainResult.Outcome.COMPLETED, ra.outcome());
            assertEquals(6, ra.steps());
            float[] a = ra.params();
            float[] b = new SyncTrainer(sc, model, config).fit(inMemory, TrainListener.NONE).params();
            float[] c = new SyncTrainer(sc, model, config.withWorkers(1)).fit(fromParquetSingle, TrainListener.NONE).params();
            assertArrayEquals(b, a, "parquet-backed shards train bit-identically to distribute() at the same P");
            double err = Dl4jReference.relativeError(a, c);
            System.out.printf("parquet P=3 vs P=1: relative error %.3g%n", err);
            assertTrue(err < 1e-5, "P=3 vs P=1 relative error " + err);
            assertTrue(Dl4jReference.relativeError(model.initialParams(), a) > 1e-4, "training moved");
        } finally {
            fromParquet.release();
            inMemory.release();
            fromParquetSingle.release();
        }
    }

    @Test
    void aReplicatedTableTrainsLikeTheReplicatedInMemoryDataset() {
        long seed = 5;
        ModelAdapter model = Models.byName("mlp", data.numFeatures(), CLASSES, seed);
        TrainConfig config = TrainConfig.builder().globalBatch(30).workers(3).steps(6).lr(0.1)
                .optimizer(OptimizerConfig.sgd()).divergence(new DivergenceConfig(DivergenceConfig.Policy.HALT, 1e6, 0, 0.5))
                .seed(seed).build();
        ShardedDataset fromParquet = SqlTables.read(spark, arraySpec(parquet)).shard(3)
                .placed(sc, io.lockstep.data.DataPlacement.REPLICATED);
        ShardedDataset inMemory = ShardedDataset.replicate(sc, data, 3);
        try {
            assertEquals(io.lockstep.data.DataPlacement.REPLICATED, fromParquet.placement());
            float[] a = new SyncTrainer(sc, model, config).fit(fromParquet, TrainListener.NONE).params();
            float[] b = new SyncTrainer(sc, model, config).fit(inMemory, TrainListener.NONE).params();
            assertArrayEquals(b, a, "a replicated table trains bit-identically to replicate() of the same examples");
            assertEquals(trainerEval(model, inMemory, b), trainerEval(model, fromParquet, a));
        } finally {
            fromParquet.release();
            inMemory.release();
        }
    }

    private static double trainerEval(ModelAdapter model, ShardedDataset d, float[] params) {
        io.lockstep.metrics.EvalMetrics m = new SyncTrainer(sc, model, TrainConfig.builder().steps(1).build())
                .evaluate("train", d, params, 0, 0);
        assertEquals(d.size(), m.count(), "every example evaluated once");
        return m.loss();
    }

    // ---------------------------------------------------------------------------------------------
    // Problems: one message naming the path, the column and the problem

    private static int files;

    /** A one-file parquet table from rows of (label, features) under the given schema. */
    private static String table(StructType schema, List<Row> rows) {
        String path = tmp.resolve("bad-" + (files++) + ".parquet").toString();
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
        return path;
    }

    private static StructType schema(DataType label, DataType features) {
        return DataTypes.createStructType(List.of(DataTypes.createStructField("label", label, true),
                DataTypes.createStructField("features", features, true)));
    }

    private static final StructType FLOATS = schema(DataTypes.IntegerType, DataTypes.createArrayType(DataTypes.FloatType, true));

    /** Five good rows of 3 features; {@code edit} may replace some. */
    private static List<Row> rows(UnaryOperator<List<Row>> edit) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(RowFactory.create(i % CLASSES, new Object[] {0.5f * i, 1f, -1f}));
        }
        return edit.apply(rows);
    }

    private static List<Row> with(int at, Row row) {
        List<Row> r = rows(x -> x);
        r.set(at, row);
        return r;
    }

    private static void assertProblem(TableSpec spec, String... fragments) {
        DataException e = assertThrows(DataException.class, () -> SqlTables.read(spark, spec));
        String m = e.getMessage();
        assertTrue(m.startsWith(spec.path()), "message names the path: " + m);
        assertTrue(!m.contains("\n"), "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "expected '" + f + "' in: " + m);
        }
    }

    @Test
    void missingOrUnreadablePath() throws IOException {
        assertProblem(arraySpec(tmp.resolve("nowhere.parquet").toString()), "not found");
        Path text = Files.writeString(tmp.resolve("not-parquet.parquet"), "label,features\n1,2\n");
        assertProblem(arraySpec(text.toString()), "cannot read");
        Path emptyDir = Files.createDirectories(tmp.resolve("empty-dir"));
        assertProblem(arraySpec(emptyDir.toString()), "no data files");
    }

    @Test
    void missingColumnsListTheAvailableOnes() {
        String good = table(FLOATS, rows(r -> r));
        assertProblem(TableSpec.arrayColumn(TableSpec.Format.PARQUET, good, "y", "features", CLASSES),
                "label column 'y' not found", "available columns: label, features");
        assertProblem(TableSpec.arrayColumn(TableSpec.Format.PARQUET, good, "label", "pixels", CLASSES),
                "features column 'pixels' not found", "label, features");
        assertProblem(csvSpec(csv, List.of("px*")), "no column starts with 'px'", "x0, x1");
        assertProblem(csvSpec(csv, List.of("x0", "x9")), "feature column 'x9' not found");
    }

    @Test
    void wrongTypesNameExpectedAndFound() {
        String textLabels = table(schema(DataTypes.StringType, DataTypes.createArrayType(DataTypes.FloatType, true)),
                List.of(RowFactory.create("cat", new Object[] {1f})));
        assertProblem(arraySpec(textLabels), "label column 'label' has type string", "expected a numeric type");
        String scalar = table(schema(DataTypes.IntegerType, DataTypes.DoubleType), List.of(RowFactory.create(1, 2.0)));
        assertProblem(arraySpec(scalar), "features column 'features' has type double",
                "expected array<float> or array<double>");
        // CSV columns are parsed as numbers: text shows up as values that are not numbers.
        assertProblem(csvSpec(csv, List.of("x0", "note")), "feature column 'note' is empty or not a number",
                "in 150 rows (first at row 0)");
    }

    @Test
    void featureRowsOfDifferentLengths() {
        String ragged = table(FLOATS, with(3, RowFactory.create(1, new Object[] {1f, 2f})));
        assertProblem(arraySpec(ragged), "features column 'features'", "2 to 3 values", "first with 2 at row 3",
                "same number of features");
    }

    @Test
    void nullAndNaNValuesNameColumnAndRow() {
        assertProblem(arraySpec(table(FLOATS, with(2, RowFactory.create(null, new Object[] {1f, 2f, 3f})))),
                "label column 'label' is null in 1 row (first at row 2)");
        assertProblem(arraySpec(table(schema(DataTypes.DoubleType, DataTypes.createArrayType(DataTypes.FloatType, true)),
                        List.of(RowFactory.create(1.0, new Object[] {1f}), RowFactory.create(Double.NaN, new Object[] {1f})))),
                "label column 'label' is NaN in 1 row (first at row 1)");
        assertProblem(arraySpec(table(FLOATS, with(4, RowFactory.create(1, new Object[] {1f, Float.NaN, 3f})))),
                "features column 'features' contains null, NaN or infinite values in 1 row (first at row 4)");
        assertProblem(arraySpec(table(FLOATS, with(1, RowFactory.create(1, null)))),
                "features column 'features' is null in 1 row (first at row 1)");
    }

    @Test
    void csvMissingOrNonNumericValuesNameColumnAndRow() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bad-csv"));
        Files.writeString(dir.resolve("part-0.csv"), "label,px0,px1\n0,0.5,1\n1,0.25,2\n");
        Files.writeString(dir.resolve("part-1.csv"), "label,px0,px1\n2,0.5,x\n1,,2\n");
        assertProblem(csvSpec(dir.toString(), List.of("px*")),
                "feature column 'px0' is empty or not a number, NaN or infinite in 1 row (first at row 3)");
        Path labels = Files.writeString(tmp.resolve("bad-labels.csv"), "label,px0\n0,1\n1.5,1\n2,1\n");
        assertProblem(csvSpec(labels.toString(), List.of()),
                "label column 'label' has non-integral values", "in 1 row (first at row 1)");
        Path headerOnly = Files.writeString(tmp.resolve("header-only.csv"), "label,px0\n");
        assertProblem(csvSpec(headerOnly.toString(), List.of()), "no rows");
        Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
        assertProblem(csvSpec(empty.toString(), List.of()), "no header line");
    }

    @Test
    void labelsOutOfRangeAndEmptyTables() {
        assertProblem(arraySpec(table(FLOATS, with(3, RowFactory.create(CLASSES, new Object[] {1f, 2f, 3f})))),
                "label column 'label' has values in [0, 3], outside [0, 3) for 3 classes (first at row 3)");
        assertProblem(arraySpec(table(FLOATS, with(0, RowFactory.create(-1, new Object[] {1f, 2f, 3f})))),
                "label column 'label' has values in [-1, 2]", "(first at row 0)");
        assertProblem(arraySpec(table(FLOATS, List.of())), "no rows");
    }
}
