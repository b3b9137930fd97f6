package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.TrainConfig;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.run.DataSpec;
import io.lockstep.run.RunSpec;
import io.lockstep.spark.EvalSets;
import io.lockstep.spark.TrainListener;
import io.lockstep.spark.run.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Using it as a library" snippet, compiled and run here (on the committed MNIST subset,
 * local[2]); two more tests check that the README's code blocks are exactly the code between the markers
 * of this class and of the examples module's {@code PipelineExample}, so they cannot drift apart.
 */
class ReadmeSnippetTest {
    private static final String START = "// README snippet start";
    private static final String END = "// README snippet end";

    @TempDir
    Path tmp;

    @Test
    void theSnippetTrains() throws IOException {
        String trainImages = TrainCliErrorsTest.subset("train-images-idx3-ubyte.gz").toString();
        String trainLabels = TrainCliErrorsTest.subset("train-labels-idx1-ubyte.gz").toString();
        Path modelFile = tmp.resolve("model.zip");
        // README snippet start
        Runner.Result run;
        RunSpec spec = RunSpec.builder()
                .data(DataSpec.idx(trainImages, trainLabels, 10).withValidationFraction(0.1))
                .model("mlp")
                .train(TrainConfig.builder().globalBatch(64).steps(30).lr(1e-3)
                        .optimizer(OptimizerConfig.adam()).seed(42).build())
                .workers(2)
                .master("local[2]")
                .build();
        try (Runner runner = Runner.start(spec.master(), "my-app")) {
            run = runner.run(spec, TrainListener.NONE);
            run.run().model().save(run.result().params(), modelFile);
        }
        // README snippet end
        assertEquals(30, run.result().steps());
        double accuracy = run.result().lastEvaluation(EvalSets.VALIDATION).orElseThrow().accuracy();
        assertTrue(accuracy > 0.5, "30 Adam steps on MNIST beat chance (0.1) by far: " + accuracy);
        assertTrue(Files.size(modelFile) > 0);
    }

    @Test
    void theReadmeShowsThisCode() throws IOException {
        assertReadmeShows("## Using it as a library", Path.of("src/test/java/io/lockstep/app/ReadmeSnippetTest.java"));
    }

    /** The Spark ML snippet is the code of the examples module's {@code PipelineExample} (run by its own test). */
    @Test
    void theReadmeShowsThePipelineExample() throws IOException {
        assertReadmeShows("## Spark ML: LockstepClassifier in a Pipeline",
                Path.of("../lockstep-examples/src/main/java/io/lockstep/examples/PipelineExample.java"));
    }

    /** The first {@code java} block after {@code heading} equals the code between the markers of {@code file}. */
    private static void assertReadmeShows(String heading, Path file) throws IOException {
        List<String> source = Files.readAllLines(file);
        int from = indexOf(source, START) + 1;
        String code = dedent(source.subList(from, indexOf(source, END)));
        List<String> readme = Files.readAllLines(Path.of("../../README.md"));
        int section = indexOf(readme, heading);
        int open = section + readme.subList(section, readme.size()).indexOf("```java") + 1;
        int close = open + readme.subList(open, readme.size()).indexOf("```");
        assertEquals(code, dedent(readme.subList(open, close)), "README snippet vs " + file.getFileName());
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(text)) {
                return i;
            }
        }
        throw new AssertionError("'" + text + "' not found");
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }
}
