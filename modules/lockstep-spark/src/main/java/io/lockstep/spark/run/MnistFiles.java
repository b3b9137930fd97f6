package io.lockstep.spark.run;

import io.lockstep.data.DataException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Provides the MNIST IDX files of a {@code DataSpec.Kind.MNIST} source (the CLI fetches and verifies them). */
@FunctionalInterface
public interface MnistFiles {
    /** None: MNIST sources are refused with one line (give IDX paths instead). */
    MnistFiles NONE = (dir, log) -> {
        throw new DataException("mnist data needs a fetcher (the lockstep CLI has one); give idx paths instead");
    };

    /**
     * The train images, train labels, test images and test labels files.
     *
     * @param dir the source's directory, null for the default
     */
    List<Path> ensure(String dir, Consumer<String> log);
}
