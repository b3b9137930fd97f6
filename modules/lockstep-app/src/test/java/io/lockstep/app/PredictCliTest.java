package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code lockstep predict} with a model trained by {@code lockstep train}: predictions written for Parquet
 * and IDX input equal plain DL4J's {@code output} argmax on the same rows, row by row (ids in input order);
 * the accuracy line matches them; bad input stops with one line.
 */
class PredictCliTest {
    @TempDir
    static Path tmp;

    private static Path run;
    private static Dataset test;
    private static float[][] expectedProbs;
    private static int[] expectedClass;

    @BeforeAll
    static void trainAndReference() throws IOException {
        run = tmp.resolve("run");
        CliRunner train = CliRunner.run("train", "--out", run.toString(), "--steps", "20", "--workers", "2",
                "--master", "local[2]", "--no-progress", "--no-eval-train",
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString());
        assertEquals(0, train.exitCode(), train.err());
        test = IdxReader.read(images(), labels(), 10);
        MultiLayerNetwork net = MultiLayerNetwork.load(run.resolve("model.zip").toFile(), false);
        INDArray out = net.output(Nd4j.create(test.features(), new long[] {test.size(), test.numFeatures()}, 'c'));
        expectedProbs = new float[test.size()][];
        expectedClass = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            expectedProbs[i] = out.getRow(i).toFloatVector();
            expectedClass[i] = out.getRow(i).argMax().getInt(0);
        }
        assertTrue(Stream.of(expectedClass).flatMapToInt(java.util.Arrays::stream).distinct().count() > 2,
                "fixture: the trained model predicts several classes");
    }

    private static Path images() {
        return TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz");
    }

    private static Path labels() {
        return TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz");
    }

    /** Exit code, stdout and stderr of one in-process CLI call. */
    private record Cli(int code, String out, String err) {}

    private static Cli predict(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of("predict", "--master", "local[2]"), Stream.of(args)).toArray(String[]::new);
        int code = Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    /** One output row as read back with plain parquet (no Spark). */
    private record Scored(long id, Integer label, int prediction, double[] probability) {}

    private static List<Scored> readOutput(Path dir) throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(dir)) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        List<Scored> rows = new java.util.ArrayList<>();
        for (Path part : parts) {
            try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(part.toUri())).build()) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    boolean labelled = g.getType().containsField("label");
                    Group p = g.getGroup("probability", 0);
                    double[] probs = new double[p.getFieldRepetitionCount("list")];
                    for (int c = 0; c < probs.length; c++) {
                        probs[c] = p.getGroup("list", c).getDouble("element", 0);
                    }
                    rows.add(new Scored(g.getLong("id", 0), labelled ? g.getInteger("label", 0) : null,
                            g.getInteger("prediction", 0), probs));
                }
            }
        }
        return rows;
    }

    /** Every input row exactly once, with DL4J's argmax and softmax outputs (and the label when expected). */
    private static void assertMatchesDl4j(Path out, boolean labelled) throws IOException {
        List<Scored> rows = readOutput(out);
        assertEquals(test.size(), rows.size());
        boolean[] seen = new boolean[test.size()];
        for (Scored s : rows) {
            int i = (int) s.id();
            assertFalse(seen[i], "id " + i + " twice");
            seen[i] = true;
            assertEquals(expectedClass[i], s.prediction(), "prediction of row " + i);
            assertEquals(expectedProbs[i].length, s.probability().length);
            for (int c = 0; c < expectedProbs[i].length; c++) {
                assertEquals(expectedProbs[i][c], s.probability()[c], 1e-6, "probability " + c + " of row " + i);
            }
            assertEquals(labelled ? Integer.valueOf(test.labels()[i]) : null, s.label(), "label of row " + i);
        }
    }

    private static String expectedAccuracyLine() {
        long correct = 0;
        for (int i = 0; i < test.size(); i++) {
            correct += expectedClass[i] == test.labels()[i] ? 1 : 0;
        }
        return String.format(Locale.ROOT, "accuracy %.4f (%d rows with labels)", (double) correct / test.size(), test.size());
    }

    @Test
    void parquetPredictionsEqualDl4jAndAccuracyIsReported() throws IOException {
        Path input = SqlInputCliTest.writeParquet(test, tmp.resolve("test.parquet"));
        Path out = tmp.resolve("parquet-predictions");
        Cli r = predict("--model", run.toString(), "--input", "parquet:" + input, "--out", out.toString(), "--batch", "7");
        assertEquals(0, r.code(), r.err());
        assertMatchesDl4j(out, true);
        assertTrue(r.out().contains(expectedAccuracyLine()), "expected '" + expectedAccuracyLine() + "' in: " + r.out());
        assertTrue(r.out().contains("scored " + test.size() + " rows"), r.out());
        assertTrue(r.out().contains("examples/s"), r.out());
    }

    @Test
    void unlabelledParquetHasNoLabelColumnNorAccuracy() throws IOException {
        Path input = SqlInputCliTest.writeParquet(test, tmp.resolve("unlabelled.parquet"), false);
        Path out = tmp.resolve("unlabelled-predictions");
        Cli r = predict("--model", run.resolve("model.zip").toString(), "--input", "parquet:" + input,
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertMatchesDl4j(out, false);
        assertFalse(r.out().contains("accuracy"), r.out());
    }

    @Test
    void csvWithLabelColumnScoresEveryOtherColumn() throws IOException {
        Path input = SqlInputCliTest.writeCsv(test, tmp.resolve("test.csv"));
        Path out = tmp.resolve("csv-predictions");
        Cli r = predict("--model", run.toString(), "--input", "csv:" + input, "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertMatchesDl4j(out, true);
        assertTrue(r.out().contains(expectedAccuracyLine()), r.out());
    }

    @Test
    void idxPredictionsEqualDl4j() throws IOException {
        Path out = tmp.resolve("idx-predictions");
        Cli r = predict("--model", run.toString(), "--input", "idx:" + images(), "--labels", labels().toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertMatchesDl4j(out, true);
        assertTrue(r.out().contains(expectedAccuracyLine()), r.out());
    }

    private static void assertOneLine(Cli r, int code, String... fragments) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
        }
    }

    @Test
    void existingOutputIsNeverOverwritten() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("taken"));
        Path marker = Files.writeString(out.resolve("keep.txt"), "mine");
        Cli r = predict("--model", run.toString(), "--input", "idx:" + images(), "--out", out.toString());
        assertOneLine(r, Main.EXIT_USAGE, "invalid option", out.toString(), "already exists");
        assertFalse(r.err().contains("cannot access"), "the refusal is not wrapped as an access error: " + r.err());
        assertEquals("mine", Files.readString(marker));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(1, files.count(), "nothing written into the existing output");
        }
    }

    @Test
    void missingFeaturesColumnNamesColumnAndFile() throws IOException {
        Path input = SqlInputCliTest.writeParquet(test, tmp.resolve("cols.parquet"));
        Path out = tmp.resolve("missing-column");
        Cli r = predict("--model", run.toString(), "--input", "parquet:" + input, "--features-col", "pixels",
                "--out", out.toString());
        assertOneLine(r, Main.EXIT_FAILURE, "data error", input.toString(), "features column 'pixels' not found",
                "available columns: label, features");
        assertFalse(Files.exists(out));
    }

    @Test
    void missingIdxFileIsNamed() {
        Path missing = tmp.resolve("no-such-images.idx");
        Cli r = predict("--model", run.toString(), "--input", "idx:" + missing, "--out", tmp.resolve("x").toString());
        assertOneLine(r, Main.EXIT_FAILURE, "data error", missing.toString(), "file not found");
    }

    @Test
    void badModelPathsAreNamed() throws IOException {
        String out = tmp.resolve("never").toString();
        Path none = tmp.resolve("no-model.zip");
        assertOneLine(predict("--model", none.toString(), "--input", "idx:" + images(), "--out", out),
                Main.EXIT_FAILURE, "model error", none.toString(), "not found");
        Path notZip = Files.writeString(tmp.resolve("not-a-model.zip"), "hello");
        assertOneLine(predict("--model", notZip.toString(), "--input", "idx:" + images(), "--out", out),
                Main.EXIT_FAILURE, "model error", notZip.toString(), "not a DL4J model zip");
        Path emptyDir = Files.createDirectories(tmp.resolve("empty-run"));
        assertOneLine(predict("--model", emptyDir.toString(), "--input", "idx:" + images(), "--out", out),
                Main.EXIT_FAILURE, "model error", emptyDir.toString(), "neither model.zip");
    }

    @Test
    void badOptionsAreUsageErrors() {
        String out = tmp.resolve("never").toString();
        assertOneLine(predict("--model", run.toString(), "--input", "hdf5:x", "--out", out), Main.EXIT_USAGE,
                "unknown --input 'hdf5:x'");
        assertOneLine(predict("--model", run.toString(), "--input", "idx:" + images(), "--label-col", "y", "--out", out),
                Main.EXIT_USAGE, "--label-col is for parquet or csv input");
        assertOneLine(predict("--model", run.toString(), "--input", "csv:x.csv", "--features-col", "f", "--out", out),
                Main.EXIT_USAGE, "--features-col needs parquet input");
        assertOneLine(predict("--model", run.toString(), "--input", "idx:" + images(), "--batch", "0", "--out", out),
                Main.EXIT_USAGE, "--batch must be at least 1");
    }
}
