package io.lockstep.bench;

import io.lockstep.app.data.MnistFetcher;
import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.data.IdxReader;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.model.PlainDl4j;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep bench baseline}: trains a built-in model on MNIST with plain single-process DL4J
 * ({@link PlainDl4j}: DL4J's own {@code fit}, or DL4J passes over the same ghost batches with one DL4J
 * update per step) on exactly the batches, seed and initial parameters of
 * {@code lockstep train --model M --global-batch B --ghost-batch G --seed S} without a validation split,
 * and prints the accuracies and losses to compare with Lockstep's run ({@code --eval-each-epoch}: also after
 * every epoch, inside the timed training, as {@code lockstep train}'s defaults evaluate).
 */
@Command(name = "lockstep bench baseline", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Plain single-process DL4J training on Lockstep's batches, for accuracy comparisons.")
final class BaselineCommand implements Callable<Integer> {
    /** Examples per inference pass of the evaluations. */
    private static final int EVAL_CHUNK = 1000;

    @Option(names = "--model", defaultValue = "mlp-bn", description = "Built-in model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--global-batch", paramLabel = "B", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
    int globalBatch;

    @Option(names = "--ghost-batch", paramLabel = "G", defaultValue = "0",
            description = "Examples per DL4J forward pass; 0 = the whole batch (DL4J fit). Default: ${DEFAULT-VALUE}.")
    int ghostBatch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--optimizer", defaultValue = "nesterov", description = "sgd, nesterov or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.05", description = "Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Nesterov momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--eval-each-epoch", defaultValue = "false",
            description = "After every epoch, evaluate the training and the test set, timed as training (the work"
                    + " lockstep train's defaults do, for wall-time comparisons; the final numbers do not change).")
    boolean evalEachEpoch;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $LOCKSTEP_DATA_DIR or ~/.lockstep/data).")
    Path dataDir;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        IUpdater updater = switch (optimizer) {
            case "sgd" -> new Sgd(lr);
            case "nesterov" -> new Nesterovs(lr, momentum);
            case "adam" -> new Adam(lr);
            default -> throw new IllegalArgumentException("--optimizer: expected sgd, nesterov or adam (got '"
                    + optimizer + "')");
        };
        Path mnist = new MnistFetcher(dataDir != null ? dataDir : MnistFetcher.defaultDataDir()).ensure(out::println);
        Dataset train = IdxReader.read(mnist.resolve(MnistFetcher.TRAIN_IMAGES), mnist.resolve(MnistFetcher.TRAIN_LABELS), 10);
        Dataset test = IdxReader.read(mnist.resolve(MnistFetcher.TEST_IMAGES), mnist.resolve(MnistFetcher.TEST_LABELS), 10);
        ModelAdapter m = Models.byName(model, train.numFeatures(), train.numClasses(), seed);
        BatchPlan plan = new BatchPlan(train.size(), globalBatch, seed);
        long steps = (long) epochs * plan.stepsPerEpoch();
        boolean whole = ghostBatch <= 0 || ghostBatch >= globalBatch;
        out.printf(Locale.ROOT, "plain DL4J: model %s (%,d params), B=%d, %s, %d steps, %s, seed %d%n", model,
                m.numParams(), globalBatch, whole ? "one pass per batch (fit)" : "ghost batches of " + ghostBatch,
                steps, updater, seed);
        long t0 = System.nanoTime();
        Model net = PlainDl4j.network(m, updater, 0.0);
        double lastLoss = Double.NaN;
        long every = evalEachEpoch ? plan.stepsPerEpoch() : steps;
        for (long from = 0; from < steps; from += every) {
            long to = Math.min(steps, from + every);
            long s0 = System.nanoTime();
            lastLoss = PlainDl4j.train(net, train, plan, ghostBatch, seed, from, to, false);
            long s1 = System.nanoTime();
            if (evalEachEpoch) {
                double[] tr = PlainDl4j.evaluate(net, train, EVAL_CHUNK);
                double[] te = PlainDl4j.evaluate(net, test, EVAL_CHUNK);
                out.printf(Locale.ROOT, "  after step %d: train loss %.4f, accuracy %.4f; test loss %.4f, accuracy %.4f;"
                        + " %.2f s steps (%.2f ms/step), %.2f s evaluating%n", to, tr[0], tr[1], te[0], te[1],
                        (s1 - s0) / 1e9, (s1 - s0) / 1e6 / (to - from), (System.nanoTime() - s1) / 1e9);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] tr = PlainDl4j.evaluate(net, train, EVAL_CHUNK);
        double[] te = PlainDl4j.evaluate(net, test, EVAL_CHUNK);
        out.printf(Locale.ROOT, "  last step loss %.4f (training mode); train loss %.4f, accuracy %.4f; test loss %.4f, "
                + "accuracy %.4f; %.1f s training%n", lastLoss, tr[0], tr[1], te[0], te[1], seconds);
        return 0;
    }
}
