package io.lockstep.app.predict;

import io.lockstep.app.UsageException;
import io.lockstep.app.train.DataOptions;
import io.lockstep.model.SavedModel;
import io.lockstep.run.DataSpec;
import io.lockstep.run.PredictSpec;
import io.lockstep.spark.run.Predictor;
import io.lockstep.spark.run.Runner;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lockstep predict}: scores a table or IDX images with a saved model into Parquet, on the cluster. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score a table (parquet, csv) or IDX images with a saved model; write id, label (if any), "
                + "prediction and probability as Parquet.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:scored", "1:run-time error (data, model, I/O, Spark)", "2:invalid command line"})
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "RUN_DIR|ZIP", required = true,
            description = "A lockstep train run directory (its model.zip), a DL4J model zip, or a saved "
                    + "LockstepClassificationModel directory.")
    String model;

    @Option(names = "--input", paramLabel = "FORMAT:PATH", required = true,
            description = "parquet:PATH or csv:PATH (any path Spark reads), or idx:IMAGES_FILE (IDX images, plain or .gz).")
    String input;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "idx: the IDX labels file (optional; gives the label column and accuracy).")
    String labels;

    @Option(names = "--label-col", paramLabel = "COL",
            description = "parquet/csv: the label column (optional; gives accuracy). Default: 'label' if the table has one.")
    String labelCol;

    @Option(names = "--features-col", paramLabel = "COL",
            description = "parquet: the array<float>/array<double> features column. Default: "
                    + PredictSpec.DEFAULT_FEATURES_COL + " (when --feature-cols is not given).")
    String featuresCol;

    @Option(names = "--feature-cols", paramLabel = "COLS",
            description = "parquet/csv: comma-separated numeric feature columns (an entry ending in * is a prefix), "
                    + "as for train. Default for csv: every column except the label.")
    String featureCols;

    @Option(names = "--out", paramLabel = "PATH", required = true,
            description = "Parquet output directory (any path Spark writes); must not exist.")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master. Default: the one spark-submit set, else local[*].")
    String master;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256",
            description = "Rows per forward pass on the executors. Default: ${DEFAULT-VALUE}.")
    int batch;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PredictSpec s = toSpec();
        SavedModel saved = Predictor.model(s);
        PrintWriter console = spec.commandLine().getOut();
        try (Runner runner = Runner.start(master, "lockstep predict")) {
            Predictor.Result r = Predictor.predict(runner, s, saved, console::println);
            console.printf("scored %d rows in %.1f s (%.0f examples/s)%n", r.rows(), r.seconds(), r.examplesPerSecond());
            if (r.labelled()) {
                console.printf("accuracy %.4f (%d rows with labels)%n", r.accuracy(), r.rows());
            }
            console.println("predictions: " + s.out());
        }
        return 0;
    }

    /** The options as a spec; malformed options are usage errors naming the flag. */
    PredictSpec toSpec() {
        int colon = input.indexOf(':');
        String format = colon < 0 ? input : input.substring(0, colon);
        DataSpec.Kind kind = switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "parquet" -> DataSpec.Kind.PARQUET;
            case "csv" -> DataSpec.Kind.CSV;
            case "idx" -> DataSpec.Kind.IDX;
            default -> throw new UsageException("unknown --input '" + input + "': use parquet:PATH, csv:PATH or idx:IMAGES_FILE");
        };
        String path = colon < 0 ? "" : input.substring(colon + 1);
        if (path.isBlank()) {
            throw new UsageException("--input " + format + " needs a path: " + format + ":PATH");
        }
        if (kind == DataSpec.Kind.IDX && (labelCol != null || featuresCol != null || featureCols != null)) {
            throw new UsageException((labelCol != null ? "--label-col" : featuresCol != null ? "--features-col" : "--feature-cols")
                    + " is for parquet or csv input; idx input takes --labels");
        }
        if (kind != DataSpec.Kind.IDX && labels != null) {
            throw new UsageException("--labels is for idx input; tables take --label-col");
        }
        if (featuresCol != null && featureCols != null) {
            throw new UsageException("give either --features-col (one array column) or --feature-cols (numeric columns), not both");
        }
        if (kind == DataSpec.Kind.CSV && featuresCol != null) {
            throw new UsageException("--features-col needs parquet input (csv has no array columns); use --feature-cols");
        }
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1 (got " + batch + ")");
        }
        List<String> cols = featureCols == null ? null : DataOptions.parseFeatureCols(featureCols);
        return new PredictSpec(model, kind, path, labels, labelCol, featuresCol, cols, out, batch);
    }
}
