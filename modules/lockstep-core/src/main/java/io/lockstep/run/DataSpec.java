package io.lockstep.run;

import io.lockstep.config.ConfigException;
import io.lockstep.data.DataPlacement;
import java.util.List;

/**
 * Where a run's data comes from and how it is split and placed.
 *
 * @param train              the training data
 * @param test               the test data, or null (for MNIST the fetched test set is used)
 * @param labelCol           tables: the column of integral class labels
 * @param featuresCol        parquet: the array column of features, or null
 * @param featureCols        tables: one numeric column per feature (an entry ending in * is a prefix), or null;
 *                           empty for csv means every column except the label
 * @param classes            number of classes (every label below it); 10 for MNIST
 * @param validationFraction fraction of the training set held out (seeded by the run's seed); 0 = none
 * @param placement          replicated (one copy per executor) or sharded (1/P per worker)
 */
public record DataSpec(Source train, Source test, String labelCol, String featuresCol, List<String> featureCols,
                       int classes, double validationFraction, DataPlacement placement) {

    /** The kinds of data source. */
    public enum Kind {
        /** MNIST fetched into {@link Source#path()} (null: the default data directory). */
        MNIST,
        /** IDX images ({@link Source#path()}) and labels ({@link Source#labels()}), read on the driver. */
        IDX,
        /** A Parquet table read with Spark SQL on the cluster. */
        PARQUET,
        /** A CSV table with a header line, read with Spark SQL on the cluster. */
        CSV;

        public boolean isTable() {
            return this == PARQUET || this == CSV;
        }

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One data source.
     *
     * @param path   the table path, the IDX images file or the MNIST directory (null: default)
     * @param labels the IDX labels file; null otherwise
     */
    public record Source(Kind kind, String path, String labels) {
        public Source {
            Specs.notNull("kind", kind);
            if (kind != Kind.MNIST) {
                Specs.require(path != null && !path.isBlank(), kind.cliName() + " path", path, "must be given");
            }
            Specs.require((kind == Kind.IDX) == (labels != null), kind.cliName() + " labels", labels,
                    kind == Kind.IDX ? "must be given for idx data" : "are only for idx data");
        }

        public static Source mnist(String dir) { return new Source(Kind.MNIST, dir, null); }
        public static Source idx(String images, String labels) { return new Source(Kind.IDX, images, labels); }
        public static Source parquet(String path) { return new Source(Kind.PARQUET, path, null); }
        public static Source csv(String path) { return new Source(Kind.CSV, path, null); }
    }

    public DataSpec {
        Specs.notNull("train", train);
        Specs.notNull("placement", placement);
        featureCols = featureCols == null ? null : List.copyOf(featureCols);
        Specs.require(validationFraction >= 0 && validationFraction < 1, "validationFraction", validationFraction,
                "must be in [0, 1) (0 = no validation set)");
        Specs.require(classes >= 2, "classes", classes, "must be at least 2");
        Specs.require(train.kind() != Kind.MNIST || classes == 10, "classes", classes, "must be 10 for mnist");
        checkTest(train, test);
        checkColumns(train.kind(), labelCol, featuresCol, featureCols);
    }

    private static void checkTest(Source train, Source test) {
        if (test == null) {
            return;
        }
        if (train.kind() == Kind.MNIST || train.kind().isTable() != test.kind().isTable()
                || test.kind() == Kind.MNIST) {
            throw new ConfigException("test (" + test.kind().cliName() + ") does not go with train data of kind "
                    + train.kind().cliName() + ": idx needs idx, a table needs a table, mnist has its own");
        }
    }

    private static void checkColumns(Kind kind, String labelCol, String featuresCol, List<String> featureCols) {
        if (!kind.isTable()) {
            Specs.require(featuresCol == null && featureCols == null, "featuresCol/featureCols",
                    featuresCol != null ? featuresCol : featureCols, "are only for parquet or csv data");
            return;
        }
        Specs.require(labelCol != null && !labelCol.isBlank(), "labelCol", labelCol, "must be given for table data");
        Specs.require(featuresCol == null || featureCols == null, "featuresCol", featuresCol,
                "cannot be combined with featureCols " + featureCols);
        Specs.require(kind == Kind.PARQUET || featuresCol == null, "featuresCol", featuresCol,
                "needs parquet input (csv has no array columns)");
        Specs.require(kind == Kind.CSV || featuresCol != null || featureCols != null, "featuresCol", null,
                "or featureCols must be given for parquet data");
    }

    /** MNIST from the default data directory, no validation set, replicated. */
    public static DataSpec mnist() {
        return new DataSpec(Source.mnist(null), null, null, null, null, 10, 0, DataPlacement.REPLICATED);
    }

    /** IDX images and labels, no test set, no validation set, replicated. */
    public static DataSpec idx(String images, String labels, int classes) {
        return new DataSpec(Source.idx(images, labels), null, null, null, null, classes, 0, DataPlacement.REPLICATED);
    }

    public DataSpec withTest(Source v) {
        return new DataSpec(train, v, labelCol, featuresCol, featureCols, classes, validationFraction, placement);
    }

    public DataSpec withValidationFraction(double v) {
        return new DataSpec(train, test, labelCol, featuresCol, featureCols, classes, v, placement);
    }

    public DataSpec withPlacement(DataPlacement v) {
        return new DataSpec(train, test, labelCol, featuresCol, featureCols, classes, validationFraction, v);
    }
}
