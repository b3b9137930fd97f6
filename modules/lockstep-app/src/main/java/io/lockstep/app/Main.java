package io.lockstep.app;

import io.lockstep.app.advise.AdviseCommand;
import io.lockstep.app.data.DataCommand;
import io.lockstep.app.predict.PredictCommand;
import io.lockstep.app.report.ReportCommand;
import io.lockstep.app.sweep.SweepCommand;
import io.lockstep.app.train.TrainCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code lockstep} command line and of {@code spark-submit --class io.lockstep.app.Main}.
 * A thin shell: every subcommand parses options into the library's config records and calls its API.
 */
@Command(name = "lockstep", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Exact synchronous data-parallel deep learning (DL4J) on Apache Spark.",
        subcommands = {TrainCommand.class, PredictCommand.class, SweepCommand.class, DataCommand.class, ReportCommand.class, AdviseCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for a run that failed at run time (bad data, model, I/O, Spark). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code for a command line that could not be parsed or validated. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a training run halted by the divergence guard (the last good model is kept). */
    public static final int EXIT_DIVERGED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: use 'train', 'predict' or 'data fetch mnist'");
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs the CLI without exiting the JVM (for tests and embedding); returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("lockstep: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandName() + " --help' for the options.");
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }
}
