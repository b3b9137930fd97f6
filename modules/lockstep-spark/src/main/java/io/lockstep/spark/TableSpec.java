package io.lockstep.spark;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A labelled table for {@link SqlTables#read}: where it is, in which format, and which columns hold the
 * label and the features.
 *
 * <p>Features come from exactly one of:
 * <ul>
 *   <li>an array column ({@code featuresCol}, {@code featureCols == null}): one {@code array<float>} or
 *       {@code array<double>} (any numeric element type) per row;</li>
 *   <li>numeric columns ({@code featureCols != null}): entries are column names, or prefixes ending in
 *       {@code *} that select every column starting with the prefix, in schema order; an empty list
 *       selects every column except the label, in schema order.</li>
 * </ul>
 *
 * @param format      parquet or csv (csv: a header line is required; values are parsed as numbers)
 * @param path        any path Spark reads (file://, hdfs://, s3a://, globs), a file or a directory
 * @param labelCol    integral class labels in {@code [0, numClasses)}, any numeric type; null for a table
 *                    without labels (to be scored): every row then gets label 0
 * @param featuresCol the array column (array mode), else null
 * @param featureCols the feature columns (column mode), else null
 * @param numClasses  number of classes, at least 2
 */
public record TableSpec(Format format, String path, String labelCol, String featuresCol, List<String> featureCols,
                        int numClasses) {

    /** Input formats read through Spark SQL. */
    public enum Format {
        PARQUET, CSV;

        /** The lower-case name used on the command line ({@code parquet:PATH}). */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The format named {@code name} (case-insensitive), or null. */
        public static Format byName(String name) {
            for (Format f : values()) {
                if (f.cliName().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    public TableSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
        if ((featuresCol == null) == (featureCols == null)) {
            throw new IllegalArgumentException("give either an array features column or a list of feature columns");
        }
        featureCols = featureCols == null ? null : List.copyOf(featureCols);
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2 (got " + numClasses + ")");
        }
    }

    /** Features in one array column. */
    public static TableSpec arrayColumn(Format format, String path, String labelCol, String featuresCol, int numClasses) {
        return new TableSpec(format, path, labelCol, Objects.requireNonNull(featuresCol, "featuresCol"), null, numClasses);
    }

    /** Features in numeric columns: names or {@code prefix*} patterns; empty = every column but the label. */
    public static TableSpec columns(Format format, String path, String labelCol, List<String> featureCols, int numClasses) {
        return new TableSpec(format, path, labelCol, null, Objects.requireNonNull(featureCols, "featureCols"), numClasses);
    }

    /** True when the table has a label column. */
    public boolean labelled() {
        return labelCol != null;
    }

    /** The same columns and classes for another table (e.g. the test set). */
    public TableSpec at(Format otherFormat, String otherPath) {
        return new TableSpec(otherFormat, otherPath, labelCol, featuresCol, featureCols, numClasses);
    }

    /** True when the features are one array column. */
    public boolean arrayMode() {
        return featuresCol != null;
    }

    /** How the features are selected, for messages and provenance. */
    public String describeFeatures() {
        if (arrayMode()) {
            return "array column " + featuresCol;
        }
        return featureCols.isEmpty() ? (labelCol == null ? "every column" : "every column except " + labelCol) : "columns " + String.join(",", featureCols);
    }
}
