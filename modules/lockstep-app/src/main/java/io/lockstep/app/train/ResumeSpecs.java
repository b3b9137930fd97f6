package io.lockstep.app.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.app.UsageException;
import io.lockstep.run.OutputSpec;
import io.lockstep.run.RunSpec;
import io.lockstep.run.SpecDiff;
import io.lockstep.run.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code --resume}: the run spec stored in the run directory, and what the resuming command changes in it.
 * Only options the user typed count; changes of the math are refused unless allowed.
 */
final class ResumeSpecs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeSpecs() {}

    /**
     * The resolved spec stored in {@code dir}'s run.json (or, for run.json files of older versions, rebuilt
     * from the arguments they recorded).
     *
     * @throws UsageException when {@code dir} is no run directory or holds no spec
     */
    @SuppressWarnings("unchecked")
    static RunSpec stored(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(RunRecorder.RUN_JSON))) {
            throw new UsageException("--resume " + dir + " is not a run directory (no " + RunRecorder.RUN_JSON + ")");
        }
        Map<String, Object> run = RunRecorder.readRunJson(dir);
        if (run.get(RunInfo.SPEC) instanceof Map<?, ?> spec) {
            return TrainRun.usage(() -> SpecJson.fromTree(JSON.valueToTree(spec)));
        }
        if (run.get("args") instanceof List<?> args && run.get("derived") instanceof Map<?, ?> derived) {
            RunSpec s = TrainCommand.parse((List<String>) args).spec();
            s = s.withOutput(s.output().withDir(dir.toString()));
            return s.workers() > 0 ? s : s.withWorkers(((Number) derived.get("workers")).intValue());
        }
        throw new UsageException("--resume " + dir + ": " + RunRecorder.RUN_JSON + " has no run spec");
    }

    /** The fields of {@code stored} that {@code command} changes through options the user typed. */
    static List<SpecDiff.Difference> changes(RunSpec stored, RunSpec command, Predicate<String> typed) {
        return SpecDiff.of(stored, command).stream().filter(d -> SpecFlags.setBy(d.field(), typed)).toList();
    }

    /** @throws UsageException listing every math change in one line, unless {@code allowed} */
    static void refuseMathChanges(Path dir, List<SpecDiff.Difference> changes, boolean allowed) {
        List<SpecDiff.Difference> math = SpecDiff.mathChanges(changes);
        if (!math.isEmpty() && !allowed) {
            throw new UsageException("--resume " + dir + ": the command changes the run's math: " + describe(math)
                    + " (use --allow-changes to apply them anyway)");
        }
    }

    /** "--lr: checkpoint 0.001, command 0.5; --global-batch: checkpoint 500, command 250". */
    static String describe(List<SpecDiff.Difference> changes) {
        return String.join("; ", changes.stream().map(d -> SpecFlags.label(d.field()) + ": checkpoint "
                + shown(d.field(), d.before()) + ", command " + shown(d.field(), d.after())).distinct().toList());
    }

    /** A value as the option takes it ({@code --checkpoint-every epoch}, not its stored -1). */
    private static String shown(String field, String value) {
        return field.equals("output.checkpointEvery") && String.valueOf(OutputSpec.EACH_EPOCH).equals(value)
                ? "epoch" : value;
    }
}
