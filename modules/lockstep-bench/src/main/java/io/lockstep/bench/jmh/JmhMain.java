package io.lockstep.bench.jmh;

import java.io.IOException;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code lockstep bench jmh [JMH options]}: runs Lockstep's JMH benchmarks with short defaults (1 fork,
 * 2 warm-up and 3 measurement iterations of 1 s: the whole set in under two minutes on 2 cores).
 * Any standard JMH option overrides its default, e.g. {@code -i 10 -f 2}, a benchmark regex such as
 * {@code GradientMerge}, {@code -rf json -rff jmh.json} for a machine-readable result, {@code -l} to list,
 * {@code -h} for JMH's help. Exit code 2 for bad options, 1 if a benchmark failed.
 */
public final class JmhMain {
    /** Benchmarks run when no regex is given: everything of Lockstep's. */
    static final String ALL = "io\\.lockstep\\..*Bench.*";

    private JmhMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses JMH options over Lockstep's defaults and runs; returns the exit code. */
    public static int run(String... args) {
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("lockstep bench jmh: " + e.getMessage() + " (see -h)");
            return 2;
        }
        try {
            if (cli.shouldHelp()) {
                cli.showHelp();
                return 0;
            }
            Runner runner = new Runner(withDefaults(cli).build());
            if (cli.shouldList()) {
                runner.list();
                return 0;
            }
            runner.run();
            return 0;
        } catch (NoBenchmarksException e) {
            System.err.println("lockstep bench jmh: no benchmark matches " + cli.getIncludes() + " (list them with -l)");
            return 2;
        } catch (RunnerException | IOException e) {
            System.err.println("lockstep bench jmh: " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()));
            return 1;
        }
    }

    /** The command line's options, with Lockstep's defaults for those it leaves unset. */
    static ChainedOptionsBuilder withDefaults(CommandLineOptions cli) {
        ChainedOptionsBuilder b = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            b.include(ALL);
        }
        if (!cli.getForkCount().hasValue()) {
            b.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue()) {
            b.warmupIterations(2);
        }
        if (!cli.getWarmupTime().hasValue()) {
            b.warmupTime(TimeValue.seconds(1));
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            b.measurementIterations(3);
        }
        if (!cli.getMeasurementTime().hasValue()) {
            b.measurementTime(TimeValue.seconds(1));
        }
        if (!cli.shouldFailOnError().hasValue()) {
            b.shouldFailOnError(true);
        }
        return b;
    }
}
