package io.lockstep.bench;

import io.lockstep.app.data.MnistFetcher;
import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import io.lockstep.spark.SparkDefaults;
import io.lockstep.spark.ml.LockstepClassificationModel;
import io.lockstep.spark.ml.LockstepClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep bench transform}: distributed scoring throughput. Fits the built-in MLP for one step on a
 * small slice (training is not what is measured), then times {@link LockstepClassificationModel#transform} and a
 * {@code noop} write of all output columns over MNIST's training set as a materialized (locally
 * checkpointed) DataFrame, against plain DL4J
 * {@code output} (plus arg-max) over the same rows in one thread, side by side in one run.
 */
@Command(name = "lockstep bench transform", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Examples/s of LockstepClassificationModel.transform on Spark vs plain DL4J output in one thread.")
final class TransformCommand implements Callable<Integer> {
    /** Rows of the one-step fit that makes the model (B = this / 2). */
    private static final int FIT_ROWS = 256;

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "0",
            description = "Training rows scored (the first N); 0 = all. Default: ${DEFAULT-VALUE}.")
    int rows;

    @Option(names = "--workers", paramLabel = "P", defaultValue = "2",
            description = "DataFrame partitions = scoring tasks. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--score-batch", paramLabel = "N", defaultValue = "256",
            description = "Rows per forward pass, both sides. Default: ${DEFAULT-VALUE}.")
    int scoreBatch;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "Untimed repetitions first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "Timed repetitions, at least 3 (the median is reported). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]", description = "Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Model seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory; MNIST is fetched into DIR/mnist if missing (default: $LOCKSTEP_DATA_DIR or ~/.lockstep/data).")
    Path dataDir;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the result to FILE.json.")
    Path out;

    private final PrintStream stdout = System.out;

    @Override
    public Integer call() throws IOException {
        TransformSettings s = settings();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Path mnist = new MnistFetcher(dataDir != null ? dataDir : MnistFetcher.defaultDataDir()).ensure(stdout::println);
        Dataset all = IdxReader.read(mnist.resolve(MnistFetcher.TRAIN_IMAGES), mnist.resolve(MnistFetcher.TRAIN_LABELS), 10);
        Dataset data = all.slice(0, s.rowsOf(all.size()));
        SparkConf conf = SparkDefaults.apply(new SparkConf().setMaster(s.master()).setAppName("lockstep-bench-transform")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        TransformResult result;
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            spark.sparkContext().setLogLevel("WARN");
            // Materialized before timing, and with a lineage that no longer holds the rows (a cached parallelized
            // table would still ship its rows inside every task).
            org.apache.spark.sql.Dataset<Row> df = table(spark, data, s.workers()).localCheckpoint(true);
            LockstepClassificationModel model = new LockstepClassifier().setModel("mlp").setSeed(s.seed())
                    .setGlobalBatch(FIT_ROWS / 2).setWorkers(s.workers()).setSteps(1).setEvalTrain(false)
                    .fit(df.limit(Math.min(FIT_ROWS, data.size())))
                    .setScoreBatch(s.scoreBatch());
            double[] sparkMs = TimedIterations.run(s.warmup(), s.repeats(), i -> () -> model.transform(df).write()
                    .format("noop").mode("overwrite").save()).millis().stream().mapToDouble(Double::doubleValue).toArray();
            Model net = model.network();
            double[] dl4j = TimedIterations.run(s.warmup(), s.repeats(), i -> () -> score(net, data, s.scoreBatch()))
                    .millis().stream().mapToDouble(Double::doubleValue).toArray();
            result = new TransformResult(data.size(), s.workers(), s.scoreBatch(), s.master(), load, sparkMs, dl4j);
        }
        stdout.print(result.format());
        if (s.out() != null) {
            ResultFiles.writeAtomically(s.out(), ResultFiles.json(result));
            stdout.println("result written to " + s.out());
        }
        return 0;
    }

    private TransformSettings settings() {
        try {
            return new TransformSettings(rows, workers, scoreBatch, warmup, repeats, master, seed, out);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** {@code data} as a DataFrame (label int, features array<float>) in {@code partitions} partitions. */
    private static org.apache.spark.sql.Dataset<Row> table(SparkSession spark, Dataset data, int partitions) {
        int f = data.numFeatures();
        List<Row> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            float[] x = new float[f];
            System.arraycopy(data.features(), i * f, x, 0, f);
            rows.add(RowFactory.create(data.labels()[i], x));
        }
        StructType schema = new StructType().add("label", DataTypes.IntegerType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
                schema);
    }

    /** Plain DL4J inference over {@code data} in batches, with the arg-max per row; returns a checksum. */
    private static long score(Model net, Dataset data, int batch) {
        int f = data.numFeatures();
        long sum = 0;
        for (int from = 0; from < data.size(); from += batch) {
            int n = Math.min(batch, data.size() - from);
            float[] x = new float[n * f];
            System.arraycopy(data.features(), from * f, x, 0, n * f);
            INDArray in = Nd4j.create(x, new long[] {n, f}, 'c');
            INDArray p = net instanceof ComputationGraph g ? g.outputSingle(false, in)
                    : ((MultiLayerNetwork) net).output(in, false);
            INDArray arg = Nd4j.argMax(p, 1);
            for (int i = 0; i < n; i++) {
                sum += arg.getLong(i);
            }
        }
        return sum;
    }
}
