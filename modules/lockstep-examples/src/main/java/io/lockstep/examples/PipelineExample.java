package io.lockstep.examples;

import io.lockstep.data.IdxReader;
import io.lockstep.spark.ml.LockstepClassificationModel;
import io.lockstep.spark.ml.LockstepClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Lockstep as a Spark ML stage, end to end: MNIST images as a DataFrame of 28 image-row vectors and a string
 * {@code digit} column → {@link VectorAssembler} (rows → one 784-pixel vector) → {@link StringIndexer} →
 * {@link LockstepClassifier}, tuned by a 2-fold {@link CrossValidator} (a {@code TrainValidationSplit} is used the
 * same way) over two learning rates with a
 * {@link MulticlassClassificationEvaluator}; the best {@link PipelineModel} is saved, loaded back and scores
 * the test images.
 *
 * <p>Run: {@code java <Spark's JVM flags> -cp ... io.lockstep.examples.PipelineExample [MNIST_DIR [TRAIN_ROWS]]}
 * (see the module's README). {@code MNIST_DIR} holds the four IDX files (plain or {@code .gz}).
 */
public final class PipelineExample {
    /** The committed MNIST subset, relative to the repository root. */
    public static final String DEFAULT_DATA = "modules/lockstep-app/src/test/resources/mnist-subset";
    private static final int SIDE = 28;
    private static final String[] DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine"};

    private PipelineExample() {}

    /**
     * What to run.
     *
     * @param trainRows     training images used (the first ones of the file)
     * @param epochs        epochs per fit
     * @param learningRates the grid the cross-validation picks from
     */
    public record Options(int trainRows, int epochs, double[] learningRates) {
        public Options {
            if (trainRows < 100) {
                throw new IllegalArgumentException("trainRows: must be at least 100 (got " + trainRows + ")");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs: must be at least 1 (got " + epochs + ")");
            }
            learningRates = learningRates.clone();
        }

        /** 1,500 training images, 2 epochs, Adam at 1e-6 (far too small) or 1e-3. */
        public static Options defaults() {
            return new Options(1500, 2, new double[] {1e-6, 1e-3});
        }
    }

    /**
     * What a run found.
     *
     * @param learningRates     the grid
     * @param validationAccuracy mean validation accuracy over the folds of each rate, in grid order
     * @param chosenLr          the rate of the best model
     * @param testAccuracy      accuracy of the reloaded best model on the test images
     * @param model             the best pipeline model, as fitted
     * @param reloaded          the same model after {@code save} and {@code load}
     * @param test              the test images as a DataFrame
     */
    public record Result(double[] learningRates, double[] validationAccuracy, double chosenLr, double testAccuracy,
                         PipelineModel model, PipelineModel reloaded, Dataset<Row> test) {}

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args.length > 0 ? args[0] : DEFAULT_DATA);
        Options defaults = Options.defaults();
        Options options = defaults;
        if (args.length > 1) {
            try {
                options = new Options(Integer.parseInt(args[1]), defaults.epochs(), defaults.learningRates());
            } catch (NumberFormatException e) {
                usage("TRAIN_ROWS: not a whole number ('" + args[1] + "')");
            } catch (IllegalArgumentException e) {
                usage("TRAIN_ROWS: " + e.getMessage());
            }
        }
        SparkSession spark = SparkSession.builder().master("local[2]").appName("lockstep-pipeline-example")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            Path modelDir = Files.createTempDirectory("lockstep-pipeline-model");
            Result r = run(spark, data, modelDir.resolve("model"), options);
            for (int i = 0; i < r.learningRates().length; i++) {
                System.out.printf(Locale.ROOT, "lr %-8g validation accuracy %.4f%n", r.learningRates()[i],
                        r.validationAccuracy()[i]);
            }
            System.out.printf(Locale.ROOT, "chosen lr %g; reloaded model's test accuracy %.4f (chance: 0.10); model in %s%n",
                    r.chosenLr(), r.testAccuracy(), modelDir.resolve("model"));
        } finally {
            spark.stop();
        }
    }

    private static void usage(String problem) {
        System.err.println("PipelineExample: " + problem + " (usage: PipelineExample [MNIST_DIR [TRAIN_ROWS]])");
        System.exit(2);
    }

    /** Tunes, saves, reloads and scores; {@code modelPath} is where the pipeline model is saved (overwritten). */
    public static Result run(SparkSession spark, Path mnistDir, Path modelPath, Options options) {
        Dataset<Row> train = mnist(spark, mnistDir, "train", options.trainRows()).cache();
        Dataset<Row> test = mnist(spark, mnistDir, "t10k", Integer.MAX_VALUE).cache();

        // README snippet start
        LockstepClassifier lockstep = new LockstepClassifier().setModel("mlp").setOptimizer("adam")
                .setGlobalBatch(100).setWorkers(2).setEpochs(options.epochs()).setSeed(42).setEvalTrain(false);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(imageRows()).setOutputCol("features"),
            new StringIndexer().setInputCol("digit").setOutputCol("label"),
            lockstep});
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        ParamMap[] grid = new ParamGridBuilder().addGrid(lockstep.lr(), options.learningRates()).build();

        CrossValidatorModel tuned = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(accuracy).setNumFolds(2).setSeed(7).fit(train);
        PipelineModel best = (PipelineModel) tuned.bestModel();
        double chosenLr = ((LockstepClassifier) ((LockstepClassificationModel) best.stages()[2]).parent()).getLr();

        String path = modelPath.toUri().toString();
        try {
            best.write().overwrite().save(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + path, e);
        }
        PipelineModel reloaded = PipelineModel.load(path);
        double testAccuracy = accuracy.evaluate(reloaded.transform(test));
        // README snippet end
        return new Result(options.learningRates(), tuned.avgMetrics(), chosenLr, testAccuracy, best, reloaded, test);
    }

    /**
     * The first {@code rows} images of {@code DIR/PREFIX-images-idx3-ubyte[.gz]} as a table: one vector column per
     * image row ({@code row0}..{@code row27}, 28 pixels in [0, 1] each) and the label as a word ({@code digit}).
     * (A narrow table: 784 scalar columns would work the same but make every Spark SQL plan slow to compile.)
     */
    static Dataset<Row> mnist(SparkSession spark, Path dir, String prefix, int rows) {
        io.lockstep.data.Dataset d = IdxReader.read(file(dir, prefix + "-images-idx3-ubyte"),
                file(dir, prefix + "-labels-idx1-ubyte"), DIGITS.length);
        int n = Math.min(rows, d.size());
        List<Row> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object[] v = new Object[SIDE + 1];
            for (int r = 0; r < SIDE; r++) {
                double[] pixels = new double[SIDE];
                for (int c = 0; c < SIDE; c++) {
                    pixels[c] = d.features()[(i * SIDE + r) * SIDE + c];
                }
                v[r] = Vectors.dense(pixels);
            }
            v[SIDE] = DIGITS[d.labels()[i]];
            out.add(RowFactory.create(v));
        }
        List<StructField> fields = new ArrayList<>();
        for (String c : imageRows()) {
            fields.add(DataTypes.createStructField(c, SQLDataTypes.VectorType(), false));
        }
        fields.add(DataTypes.createStructField("digit", DataTypes.StringType, false));
        return spark.createDataFrame(out, new StructType(fields.toArray(StructField[]::new)));
    }

    /** The image-row columns of an {@link #mnist} table, top to bottom. */
    private static String[] imageRows() {
        String[] c = new String[SIDE];
        for (int r = 0; r < SIDE; r++) {
            c[r] = "row" + r;
        }
        return c;
    }

    /** {@code dir/name}, or {@code dir/name.gz} when only that exists. */
    private static Path file(Path dir, String name) {
        Path plain = dir.resolve(name);
        Path gz = dir.resolve(name + ".gz");
        if (Files.exists(plain) || !Files.exists(gz)) {
            return plain;
        }
        return gz;
    }
}
