package io.lockstep.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec parsing and plan expansion without Spark: runs × grid, merge order, names, arguments. */
class SweepPlannerTest {
    @TempDir
    Path tmp;

    private SweepSpec spec(String yaml) throws IOException {
        Path file = tmp.resolve("spec.yaml");
        Files.writeString(file, yaml);
        return SpecParser.read(file);
    }

    private static final String FULL = """
            name: steps-to-target
            description: "does it scale?"
            base:
              model: mlp
              optimizer: nesterov
              lr: 0.03
              reference-batch: 64
              epochs: 2
              eval-train: false
              validation-fraction: 0.1
            grid:
              global-batch: [32, 128]
              lr: [0.01, 0.03]
            runs:
              - {lr-scaling: linear, warmup: none}
              - {lr-scaling: linear, warmup: gradual, warmup-epochs: 1}
            stop:
              max-steps: 300
              target-accuracy: 0.97
            """;

    @Test
    void runsListIsCrossedWithTheGridInOrder() throws IOException {
        SweepSpec s = spec(FULL);
        List<PlannedRun> plan = SweepPlanner.plan(s);
        assertEquals(2 * 2 * 2, plan.size());
        assertEquals(List.of("global-batch", "lr", "lr-scaling", "warmup", "warmup-epochs"), s.sweptKeys());
        List<String> expected = new ArrayList<>();
        for (String warmup : List.of("warmup-none", "warmup-gradual_warmup-epochs-1")) {
            for (String b : List.of("32", "128")) {
                for (String lr : List.of("0.01", "0.03")) {
                    expected.add("global-batch-" + b + "_lr-" + lr + "_" + warmup);
                }
            }
        }
        assertEquals(expected, plan.stream().map(PlannedRun::name).toList(),
                "names from the varying keys in spec order; lr-scaling is the same everywhere");
        assertEquals(plan.size(), new HashSet<>(plan.stream().map(PlannedRun::name).toList()).size());
    }

    @Test
    void optionsMergeBaseRunsGridThenStop() throws IOException {
        PlannedRun last = SweepPlanner.plan(spec(FULL)).get(7);
        assertEquals(List.of("--model=mlp", "--optimizer=nesterov", "--lr=0.03", "--reference-batch=64",
                "--eval-train=false", "--validation-fraction=0.1", "--lr-scaling=linear", "--warmup=gradual", "--warmup-epochs=1",
                "--global-batch=128", "--steps=300", "--target-accuracy=0.97"), last.args(),
                "grid lr overrides base lr in place; stop max-steps replaces base epochs");
        assertEquals(Map.of("global-batch", "128", "lr", "0.03", "lr-scaling", "linear", "warmup", "gradual",
                "warmup-epochs", "1"), last.params());
        assertEquals(List.of("global-batch", "lr", "lr-scaling", "warmup", "warmup-epochs"),
                List.copyOf(last.params().keySet()), "params in spec order");
        PlannedRun first = SweepPlanner.plan(spec(FULL)).get(0);
        assertFalse(first.params().containsKey("warmup-epochs"), "a key the run does not set is absent");
        assertEquals(8, SweepPlanner.parse(spec(FULL), SweepPlanner.plan(spec(FULL))).size(), "every run parses");
    }

    @Test
    void aSpecWithoutGridOrRunsIsOneRunNamedRun() throws IOException {
        List<PlannedRun> plan = SweepPlanner.plan(spec("name: one\nbase: {lr: 0.1}\nstop: {max-epochs: 1}\n"));
        assertEquals(1, plan.size());
        assertEquals("run", plan.get(0).name());
        assertEquals(List.of("--lr=0.1", "--epochs=1"), plan.get(0).args());
    }

    @Test
    void runsBeforeGridInTheSpecComeFirstInNames() throws IOException {
        List<PlannedRun> plan = SweepPlanner.plan(spec("""
                name: order
                runs: [{optimizer: sgd}, {optimizer: adam}]
                grid: {global-batch: [16, 32]}
                """));
        assertEquals(List.of("optimizer-sgd_global-batch-16", "optimizer-sgd_global-batch-32",
                "optimizer-adam_global-batch-16", "optimizer-adam_global-batch-32"),
                plan.stream().map(PlannedRun::name).toList());
    }

    @Test
    void namesAreSanitisedAndMadeUnique() throws IOException {
        List<PlannedRun> plan = SweepPlanner.plan(spec("name: names\ngrid: {model: [a/b.json, a_b.json, a-b.json]}\n"));
        assertEquals(List.of("model-a-b.json", "model-a-b.json-2", "model-a-b.json-3"),
                plan.stream().map(PlannedRun::name).toList());
        for (PlannedRun r : plan) {
            assertTrue(r.name().matches("[A-Za-z0-9._-]+"), r.name());
        }
    }

    @Test
    void identicalRunsAreRejected() throws IOException {
        SweepSpec s = spec("name: dup\nruns: [{lr: 0.1}, {lr: 0.1}]\n");
        SpecException e = assertThrows(SpecException.class, () -> SweepPlanner.plan(s));
        assertTrue(e.getMessage().contains("spec.yaml") && e.getMessage().contains("identical"), e.getMessage());
    }

    /** Fuzz finding: a few grid lines multiplied to millions of runs, expanded (and compared pairwise) before any check. */
    @Test
    void aSpecOfMoreThanMaxRunsIsRefusedBeforeExpanding() throws IOException {
        String eight = "[1, 2, 3, 4, 5, 6, 7, 8]";
        SpecException e = assertThrows(SpecException.class, () -> spec("name: big\nruns: [{seed: 1}, {seed: 2}]\ngrid:\n"
                + "  lr: " + eight + "\n  momentum: " + eight + "\n  l2: " + eight + "\n  clip-norm: " + eight + "\n"));
        assertTrue(e.getMessage().contains("spec.yaml") && e.getMessage().contains("expands to 8192 runs")
                && e.getMessage().contains("2 runs entries x grid 8 x 8 x 8 x 8") && e.getMessage().contains("at most 1000"),
                e.getMessage());
        assertEquals(2 * 8 * 8 * 7, SweepPlanner.plan(spec("name: ok\nruns: [{seed: 1}, {seed: 2}]\ngrid:\n"
                + "  lr: " + eight + "\n  momentum: " + eight + "\n  l2: [1, 2, 3, 4, 5, 6, 7]\n")).size());
    }

    @Test
    void stopMayNotOverrideASweptOption() throws IOException {
        SpecException e = assertThrows(SpecException.class,
                () -> spec("name: s\ngrid: {epochs: [1, 2]}\nstop: {max-steps: 10}\n"));
        assertTrue(e.getMessage().contains("stop.max-steps") && e.getMessage().contains("epochs"), e.getMessage());
    }

    @Test
    void specPathWithoutExtensionFindsTheYamlFile(@TempDir Path dir) throws IOException {
        Path yaml = Files.writeString(dir.resolve("exp.yaml"), "name: exp\n");
        assertEquals(yaml, SweepCommand.resolve(dir.resolve("exp")));
        assertEquals(yaml, SweepCommand.resolve(yaml));
        Path missing = dir.resolve("nothing");
        assertEquals(missing, SweepCommand.resolve(missing), "a missing spec is left as given, for the error message");
    }
}
