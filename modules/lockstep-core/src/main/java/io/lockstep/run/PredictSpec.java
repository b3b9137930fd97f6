package io.lockstep.run;

import java.util.List;

/**
 * What {@code lockstep predict} scores: a saved model, an input table or IDX image file, and where the
 * predictions go. Validated at construction; errors name the field and the value.
 *
 * @param model       a DL4J model zip, a {@code lockstep train} run directory (its {@code model.zip}) or a saved
 *                    {@code LockstepClassificationModel} directory (its {@code data/model.zip})
 * @param format      parquet, csv or idx
 * @param input       the table path (any path Spark reads) or the IDX images file
 * @param labels      idx: the IDX labels file, or null (no labels); tables: null
 * @param labelCol    tables: the label column, or null for "label" when the table has one (else no labels)
 * @param featuresCol parquet: the array column of features, or null
 * @param featureCols tables: one numeric column per feature (an entry ending in * is a prefix), or null;
 *                    empty means every column except the label
 * @param out         the Parquet output directory; must not exist
 * @param batch       rows per forward pass on the executors
 */
public record PredictSpec(String model, DataSpec.Kind format, String input, String labels, String labelCol,
                          String featuresCol, List<String> featureCols, String out, int batch) {
    /** The default array column for parquet input. */
    public static final String DEFAULT_FEATURES_COL = "features";

    public PredictSpec {
        Specs.require(model != null && !model.isBlank(), "model", model, "must be given");
        Specs.notNull("format", format);
        Specs.require(format != DataSpec.Kind.MNIST, "format", format.cliName(), "must be parquet, csv or idx");
        Specs.require(input != null && !input.isBlank(), "input", input, "must be given");
        Specs.require(out != null && !out.isBlank(), "out", out, "must be given");
        Specs.require(batch >= 1, "batch", batch, "must be at least 1");
        featureCols = featureCols == null ? null : List.copyOf(featureCols);
        if (format == DataSpec.Kind.IDX) {
            Specs.require(labelCol == null, "labelCol", labelCol, "is only for parquet or csv input");
            Specs.require(featuresCol == null && featureCols == null, "featuresCol/featureCols",
                    featuresCol != null ? featuresCol : featureCols, "are only for parquet or csv input");
        } else {
            Specs.require(labels == null, "labels", labels, "are only for idx input (tables use labelCol)");
            Specs.require(featuresCol == null || featureCols == null, "featuresCol", featuresCol,
                    "cannot be combined with featureCols " + featureCols);
            Specs.require(format == DataSpec.Kind.PARQUET || featuresCol == null, "featuresCol", featuresCol,
                    "needs parquet input (csv has no array columns)");
        }
    }

    /** Parquet: the array column when no feature columns are given. */
    public String resolvedFeaturesCol() {
        return format == DataSpec.Kind.PARQUET && featureCols == null
                ? (featuresCol != null ? featuresCol : DEFAULT_FEATURES_COL) : featuresCol;
    }

    /** Tables: the feature columns ({@code featureCols}, or every column but the label for csv); null in array mode. */
    public List<String> resolvedFeatureCols() {
        return featureCols != null ? featureCols : format == DataSpec.Kind.CSV ? List.of() : null;
    }
}
