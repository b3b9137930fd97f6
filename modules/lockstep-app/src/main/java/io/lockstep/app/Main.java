package io.lockstep.app;

import io.lockstep.app.advise.AdviseCommand;
import io.lockstep.app.data.DataCommand;
import io.lockstep.app.predict.PredictCommand;
import io.lockstep.app.report.ReportCommand;
import io.lockstep.app.sweep.SweepCommand;
import io.lockstep.app.train.TrainCommand;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
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

    @CommandLine.Option(names = "--log-level", paramLabel = "LEVEL", scope = CommandLine.ScopeType.INHERIT,
            description = "Level of every logger (Spark's too): off, error, warn, info, debug, trace. Default:"
                    + " warnings, plus Lockstep's own lines at info.")
    void setLogLevel(String level) {
        try {
            ConsoleLogging.setLevel(level);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (one of: "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs the CLI without exiting the JVM (for tests and embedding); returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        ConsoleLogging.useLockstepDefaults();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        withVersion(cli, new Versions());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler((ex, a) -> usageError(ex, err));
        return cli.execute(args);
    }

    /** {@code --version} prints the same lines on every (sub)command. */
    private static void withVersion(CommandLine cli, CommandLine.IVersionProvider versions) {
        cli.getCommandSpec().versionProvider(versions);
        cli.getSubcommands().values().forEach(sub -> withVersion(sub, versions));
    }

    /**
     * One line naming the problem, picocli's suggestions for a mistyped option or command, and where
     * to look; with no command at all, the list of commands.
     */
    /** "unknown command 'X'" / "unknown option '--x'" for the first unmatched argument, else picocli's message. */
    private static String describe(CommandLine.ParameterException ex, boolean mistypedCommand) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            if (mistypedCommand) {
                return "unknown command '" + first + "'";
            }
            if (first.startsWith("-")) {
                return "unknown option '" + first + "'";
            }
        }
        return ex.getMessage();
    }

    private static int usageError(CommandLine.ParameterException ex, PrintWriter err) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        List<String> suggestions = List.of();
        boolean mistypedCommand = false;
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
            suggestions = unmatched.getSuggestions();
            List<String> args = unmatched.getUnmatched();
            mistypedCommand = !cmd.getSubcommands().isEmpty() && !args.isEmpty() && !args.get(0).startsWith("-");
        }
        err.println("lockstep: " + describe(ex, mistypedCommand));
        if (!suggestions.isEmpty()) {
            String prefix = mistypedCommand ? name + " " : "";
            err.println("Did you mean: " + suggestions.stream().map(s -> prefix + s).collect(Collectors.joining(" or "))
                    + "?");
        }
        if (mistypedCommand || ex.getMessage().startsWith("missing command")) {
            err.println();
            cmd.usage(err);
        } else {
            err.println("Try '" + name + " --help' for the options.");
        }
        return EXIT_USAGE;
    }
}
