package io.lockstep.app.train;

import io.lockstep.app.Versions;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.metrics.TargetReached;
import io.lockstep.model.ModelAdapter;
import io.lockstep.run.SpecJson;
import io.lockstep.spark.TrainResult;
import io.lockstep.spark.run.InputCache;
import io.lockstep.spark.run.Runner;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The provenance written to run.json: the resolved run spec (what {@code --resume} continues), the
 * trainer's config, derived values, data, versions, result.
 */
record RunInfo(Runner.Resolved run, InputCache.Inputs inputs, Map<String, Object> spark) {
    /** The run.json key of the resolved {@link io.lockstep.run.RunSpec}. */
    static final String SPEC = "spec";

    private TrainConfig config() {
        return run.config();
    }

    private ModelAdapter model() {
        return run.model();
    }

    Map<String, Object> provenance() {
        TrainConfig config = config();
        ModelAdapter model = model();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "train");
        run.put("started", Instant.now().toString());
        run.put(SPEC, SpecJson.tree(this.run.spec()));
        run.put("config", config);
        run.put("model", Map.of("name", model.name(), "params", model.numParams(), "layers", model.describe()));
        Map<String, Object> data = new LinkedHashMap<>(inputs.dataset());
        data.put("train_size_after_validation_split", inputs.train().size());
        data.put("validation_size", inputs.validation() == null ? 0 : inputs.validation().size());
        run.put("dataset", data);
        run.put("derived", derived());
        run.put("spark", spark);
        run.put("versions", Map.of("lockstep", Versions.lockstep(), "spark", Versions.spark(), "dl4j", Versions.DL4J,
                "java", System.getProperty("java.version")));
        run.put("git_commit", GitInfo.commit());
        return run;
    }

    private Map<String, Object> derived() {
        TrainConfig config = config();
        ModelAdapter model = model();
        BatchPlan plan = config.batchPlan(inputs.train().size());
        long total = config.totalSteps(plan);
        long scheduleLength = config.scheduleLength(plan, inputs.train().size());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("global_batch", config.globalBatch());
        d.put("workers", config.workers());
        d.put("mean_worker_batch", (double) config.globalBatch() / config.workers());
        d.put("micro_batch", config.microBatch());
        d.put("ghost_batch", config.resolveGhostBatch(config.globalBatch(), model.batchDependent(),
                inputs.train().placement()));
        d.put("data_placement", inputs.train().placement().cliName());
        d.put("batch_schedule", config.adaptiveBatch() != null ? config.adaptiveBatch().describe()
                : plan.batchSchedule().describe());
        d.put("steps_per_epoch", plan.stepsPerEpoch());
        d.put("total_steps", total);
        if (config.adaScale()) {
            d.put("adascale_length", scheduleLength); // base iterations: the run ends when tau reaches it
        }
        d.put("lr", config.lr());
        d.put("reference_batch", config.referenceBatch());
        d.put("lr_scaling", config.lrScaling().cliName());
        d.put("peak_lr", config.peakLr());
        d.put("schedule", config.schedule(scheduleLength).describe());
        return d;
    }

    static Map<String, Object> result(TrainResult result, double seconds, boolean savedModels) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT));
        r.put("steps", result.steps());
        r.put("seconds", seconds);
        for (String set : new String[] {"train", "validation", "test"}) {
            result.lastEvaluation(set).ifPresent(e -> {
                r.put(set + "_accuracy", e.accuracy());
                r.put(set + "_loss", e.loss());
            });
        }
        r.put("divergences", result.divergences().size());
        TargetReached t = result.targetReached();
        if (t != null) {
            r.put("target_reached", Map.of("step", t.step(), "steps", t.steps(), "examples", t.examples(),
                    "accuracy", t.accuracy(), "target", t.target(), "seconds", t.seconds()));
        }
        if (savedModels) {
            r.put("model_file", RunRecorder.MODEL);
            if (result.bestParams() != null) {
                r.put("best_model_file", RunRecorder.BEST_MODEL);
            }
        }
        return r;
    }
}
