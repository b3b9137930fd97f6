package io.lockstep.spark.run;

import io.lockstep.data.DataException;
import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import io.lockstep.run.DataSpec;
import io.lockstep.spark.IndexedExamples;
import io.lockstep.spark.SqlTables;
import io.lockstep.spark.TableSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/** Reads a {@link DataSpec}'s sources: IDX files on the driver, tables with Spark SQL on the cluster. */
final class DataLoader {
    private DataLoader() {}

    /** IDX data read on the driver; the file lists hold images then labels (empty without a test set). */
    record Loaded(String name, Dataset train, Dataset test, List<Path> trainFiles, List<Path> testFiles) {}

    /** Validated tables, not yet sharded. */
    record Tables(String name, TableSpec trainSpec, TableSpec testSpec, IndexedExamples train, IndexedExamples test) {}

    static Loaded load(DataSpec data, MnistFiles mnist, Consumer<String> log) {
        DataSpec.Source train = data.train();
        if (train.kind() == DataSpec.Kind.MNIST) {
            List<Path> f = mnist.ensure(train.path(), log);
            return read("mnist", f.get(0), f.get(1), f.get(2), f.get(3), 10);
        }
        DataSpec.Source test = data.test();
        return read("idx", Path.of(train.path()), Path.of(train.labels()), test == null ? null : Path.of(test.path()),
                test == null ? null : Path.of(test.labels()), data.classes());
    }

    private static Loaded read(String name, Path trainImages, Path trainLabels, Path testImages, Path testLabels,
                               int classes) {
        Dataset train = IdxReader.read(trainImages, trainLabels, classes);
        Dataset test = testImages == null ? null : IdxReader.read(testImages, testLabels, classes);
        if (test != null && test.numFeatures() != train.numFeatures()) {
            throw new DataException("test images have " + test.numFeatures() + " features per example but training images have "
                    + train.numFeatures());
        }
        return new Loaded(name, train, test, List.of(trainImages, trainLabels),
                testImages == null ? List.of() : List.of(testImages, testLabels));
    }

    /** The table of {@code source} with the spec's columns. */
    static TableSpec tableSpec(DataSpec data, DataSpec.Source source) {
        TableSpec.Format format = TableSpec.Format.byName(source.kind().cliName());
        if (data.featureCols() != null) {
            return TableSpec.columns(format, source.path(), data.labelCol(), data.featureCols(), data.classes());
        }
        if (format == TableSpec.Format.CSV) {
            return TableSpec.columns(format, source.path(), data.labelCol(), List.of(), data.classes());
        }
        return TableSpec.arrayColumn(format, source.path(), data.labelCol(), data.featuresCol(), data.classes());
    }

    /**
     * Opens and validates the tables on the cluster (one aggregation each); nothing is loaded yet.
     *
     * @throws DataException naming the path and column on the first problem found
     */
    static Tables readTables(JavaSparkContext sc, DataSpec data, Consumer<String> log) {
        TableSpec trainSpec = tableSpec(data, data.train());
        log.accept("reading " + trainSpec.format().cliName() + " " + trainSpec.path() + " (label column "
                + trainSpec.labelCol() + ", features: " + trainSpec.describeFeatures() + ")");
        IndexedExamples train = SqlTables.read(sc, trainSpec);
        TableSpec testSpec = data.test() == null ? null : tableSpec(data, data.test());
        IndexedExamples test = testSpec == null ? null : SqlTables.read(sc, testSpec);
        if (test != null && test.numFeatures() != train.numFeatures()) {
            throw new DataException(testSpec.path() + ": " + test.numFeatures() + " features per row but the training data ("
                    + trainSpec.path() + ") has " + train.numFeatures());
        }
        return new Tables(trainSpec.format().cliName(), trainSpec, testSpec, train, test);
    }

    /** Provenance of table input for run.json. */
    static Map<String, Object> describe(Tables tables) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", tables.name());
        m.put("train_path", tables.trainSpec().path());
        m.put("test_path", tables.test() == null ? null : tables.testSpec().path());
        m.put("test_format", tables.test() == null ? null : tables.testSpec().format().cliName());
        m.put("label_col", tables.trainSpec().labelCol());
        m.put("feature_columns", tables.trainSpec().describeFeatures());
        m.put("train_size", tables.train().size());
        m.put("test_size", tables.test() == null ? 0 : tables.test().size());
        m.put("features", tables.train().numFeatures());
        m.put("classes", tables.train().numClasses());
        return m;
    }

    /** Provenance of IDX input for run.json. */
    static Map<String, Object> describe(Loaded loaded) {
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
}
