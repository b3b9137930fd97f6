package io.lockstep.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line helps: suggestions on typos, every command listed, --version everywhere, correct help. */
class CliUsageTest {
    private static final List<String> COMMANDS = List.of("train", "predict", "sweep", "data", "report", "advise");

    @Test
    void mistypedOptionSuggestsTheRealOne() {
        CliRunner r = CliRunner.run("train", "--global-bach", "64");
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("unknown option '--global-bach'"), r.err());
        assertTrue(r.err().contains("Did you mean: --global-batch?"), r.err());
        assertTrue(r.err().contains("Try 'lockstep train --help'"), r.err());
        assertFalse(r.showsStackTrace(), r.err());
    }

    @Test
    void mistypedCommandSuggestsTheRealOneAndListsCommands() {
        CliRunner r = CliRunner.run("trian");
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("unknown command 'trian'"), r.err());
        assertTrue(r.err().contains("Did you mean: lockstep train?"), r.err());
        COMMANDS.forEach(c -> assertTrue(r.err().contains("  " + c + " "), c + " listed in: " + r.err()));
    }

    @Test
    void noArgumentsListsEveryCommand() {
        CliRunner r = CliRunner.run();
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("missing command"), r.err());
        COMMANDS.forEach(c -> assertTrue(r.err().contains("  " + c + " "), c + " listed in: " + r.err()));
    }

    @Test
    void versionOnEveryCommand() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"train", "-V"},
                new String[] {"predict", "--version"}, new String[] {"data", "fetch", "--version"},
                new String[] {"sweep", "-V"}, new String[] {"report", "-V"}, new String[] {"advise", "-V"})) {
            String out = stdout(args);
            assertTrue(out.contains("lockstep ") && out.contains("Spark 3.5.6") && out.contains("DL4J/ND4J 1.0.0-M2.1"),
                    String.join(" ", args) + " printed: " + out);
        }
    }

    @Test
    void helpTextsAreCompleteAndCorrect() {
        String top = stdout("--help");
        // the command list shows a whole sentence for each command, not the first line of a long description
        String advise = top.substring(top.indexOf("\n  advise"), top.indexOf("\n  help")).replaceAll("\\s+", " ").trim();
        assertTrue(advise.endsWith("from measured runs."), "advise's summary is cut off: " + advise);
        String train = stdout("train", "--help").replaceAll("\\s+", " ");
        assertTrue(train.contains("Default: runs/run-<timestamp>."), "the --out default as it is");
        assertTrue(train.contains("--log-level"), "--log-level is accepted on subcommands");
    }

    @Test
    void badLogLevelIsOneLine() {
        CliRunner r = CliRunner.run("train", "--log-level", "loud");
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("--log-level must be one of off, error, warn, info, debug, trace (got 'loud')"),
                r.err());
    }

    private static String stdout(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(CommandLine.ExitCode.OK, code, String.join(" ", args));
        return out.toString();
    }
}
