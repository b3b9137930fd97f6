package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST subset converted to parquet (array&lt;float&gt; features) and to CSV (label, px0..px783)
 * trains through the CLI to exactly the model the IDX files give with the same options; bad tables
 * stop with one line naming the column.
 */
class SqlInputCliTest {
    private static final String[] COMMON = {"--steps", "20", "--workers", "2", "--master", "local[2]", "--no-progress",
        "--no-eval-train"};

    @TempDir
    static Path tmp;

    private static Path trainParquet;
    private static Path testParquet;
    private static Path trainCsv;
    private static Path testCsv;

    @BeforeAll
    static void convert() throws IOException {
        Dataset train = IdxReader.read(TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz"),
                TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz"), 10);
        Dataset test = IdxReader.read(TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz"),
                TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz"), 10);
        trainCsv = writeCsv(train, tmp.resolve("train.csv"));
        testCsv = writeCsv(test, tmp.resolve("test.csv"));
        trainParquet = writeParquet(train, tmp.resolve("train.parquet"));
        testParquet = writeParquet(test, tmp.resolve("test.parquet"));
    }

    /**
     * One parquet file with Spark's layout for (label int, features array&lt;float&gt;), written directly
     * with parquet's example writer (quicker than a Spark job, and no second Spark context in the JVM).
     */
    static Path writeParquet(Dataset d, Path out) throws IOException {
        return writeParquet(d, out, true);
    }

    /** As {@link #writeParquet(Dataset, Path)}; without the label column when {@code labelled} is false. */
    static Path writeParquet(Dataset d, Path out, boolean labelled) throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType("message spark_schema { "
                + (labelled ? "required int32 label; " : "")
                + "required group features (LIST) { repeated group list { required float element; } } }");
        SimpleGroupFactory rows = new SimpleGroupFactory(schema);
        int n = d.numFeatures();
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(out.toUri()))
                .withType(schema).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            for (int i = 0; i < d.size(); i++) {
                Group row = labelled ? rows.newGroup().append("label", d.labels()[i]) : rows.newGroup();
                Group features = row.addGroup("features");
                for (int j = 0; j < n; j++) {
                    features.addGroup("list").append("element", d.features()[i * n + j]);
                }
                w.write(row);
            }
        }
        return out;
    }

    /** label,px0,...,px783 with the exact float values (shortest round-trip decimal form). */
    static Path writeCsv(Dataset d, Path out) throws IOException {
        int n = d.numFeatures();
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("label");
            for (int j = 0; j < n; j++) {
                w.write(",px" + j);
            }
            w.newLine();
            for (int i = 0; i < d.size(); i++) {
                w.write(Integer.toString(d.labels()[i]));
                for (int j = 0; j < n; j++) {
                    float v = d.features()[i * n + j];
                    w.write(',');
                    w.write(v == 0f ? "0" : Float.toString(v));
                }
                w.newLine();
            }
        }
        return out;
    }

    private static CliRunner train(Path out, String... data) {
        List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
        args.addAll(List.of(COMMON));
        args.addAll(List.of(data));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static float[] params(Path run) throws IOException {
        return MultiLayerNetwork.load(run.resolve("model.zip").toFile(), false).params().data().asFloat();
    }

    @Test
    void parquetAndCsvTrainExactlyLikeTheIdxFiles() throws IOException {
        Path idxRun = tmp.resolve("idx-run");
        CliRunner idx = train(idxRun,
                "--train-images", TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString(),
                "--train-labels", TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString(),
                "--test-images", TrainCliErrorsTest.subset("t10k-images-idx3-ubyte.gz").toString(),
                "--test-labels", TrainCliErrorsTest.subset("t10k-labels-idx1-ubyte.gz").toString());
        assertEquals(0, idx.exitCode(), idx.err());

        Path parquetRun = tmp.resolve("parquet-run");
        CliRunner parquet = train(parquetRun, "--dataset", "parquet:" + trainParquet.toUri(),
                "--test-dataset", "parquet:" + testParquet);
        assertEquals(0, parquet.exitCode(), parquet.err());

        Path csvRun = tmp.resolve("csv-run");
        CliRunner csv = train(csvRun, "--dataset", "csv:" + trainCsv, "--test-dataset", "csv:" + testCsv,
                "--feature-cols", "px*");
        assertEquals(0, csv.exitCode(), csv.err());

        float[] expected = params(idxRun);
        assertArrayEquals(expected, params(parquetRun), "parquet run = IDX run, bit for bit");
        assertArrayEquals(expected, params(csvRun), "csv run = IDX run, bit for bit");

        String runJson = Files.readString(parquetRun.resolve("run.json"));
        assertTrue(runJson.contains("\"train_size\" : 6000") || runJson.contains("\"train_size\":6000"), runJson);
        assertTrue(runJson.contains("test_accuracy"), "the parquet test set was evaluated");
    }

    private static void assertOneLine(CliRunner r, Path out, String... fragments) {
        assertEquals(Main.EXIT_FAILURE, r.exitCode(), r.err());
        assertFalse(r.showsStackTrace(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
        }
        assertFalse(Files.exists(out.resolve("run.json")), "no run may be written on bad input");
    }

    @Test
    void missingColumnIsOneLine() {
        Path out = tmp.resolve("missing-column");
        assertOneLine(train(out, "--dataset", "parquet:" + trainParquet, "--label-col", "digit"), out,
                "data error", trainParquet.toString(), "label column 'digit' not found", "available columns: label, features");
    }

    @Test
    void labelsOutOfRangeAreOneLine() {
        Path out = tmp.resolve("labels-out-of-range");
        assertOneLine(train(out, "--dataset", "parquet:" + trainParquet, "--classes", "5"), out,
                "data error", trainParquet.toString(), "label column 'label' has values in [0, 9], outside [0, 5)");
    }
}
