package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's layering claim: only lockstep-spark imports Spark. Scans the app's main sources for
 * any reference to {@code org.apache.spark} (imports and fully qualified names alike).
 */
class LayeringTest {
    private static final Pattern SPARK = Pattern.compile("\\borg\\s*\\.\\s*apache\\s*\\.\\s*spark\\b");
    private static final Path MAIN = Path.of("src", "main", "java");

    @Test
    void noAppClassReferencesSpark() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() > 50, "scanned the app's sources: " + sources.size());
        List<String> offenders = sources.stream().filter(LayeringTest::mentionsSpark).map(Path::toString).toList();
        assertEquals(List.of(), offenders, "app classes that reference org.apache.spark");
    }

    @Test
    void thePatternFindsImportsAndQualifiedNames() {
        assertTrue(SPARK.matcher("import org.apache.spark.api.java.JavaSparkContext;").find());
        assertTrue(SPARK.matcher("return org.apache.spark.package$.MODULE$.SPARK_VERSION();").find());
    }

    private static boolean mentionsSpark(Path source) {
        try {
            return SPARK.matcher(Files.readString(source)).find();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
