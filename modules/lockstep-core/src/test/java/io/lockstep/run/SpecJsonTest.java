package io.lockstep.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.config.ConfigException;
import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.StepTransportConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.DataPlacement;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.schedule.LrScaling;
import io.lockstep.schedule.ScheduleConfig;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SpecJson}: a spec with no field at its default survives write → read; bad JSON names the field. */
class SpecJsonTest {
    /** Fields the fixture leaves at their defaults: not settable with the others (warmup is given in epochs). */
    private static final java.util.Set<String> UNSET = java.util.Set.of("train.optimizer.beta1", "train.optimizer.beta2",
            "train.optimizer.lambMaxTrust", "train.schedule.warmup", "train.schedule.warmupSteps");

    /** Every field set to a value other than its default (so a dropped field cannot pass). */
    static RunSpec everyField() {
        TrainConfig train = TrainConfig.builder().globalBatch(96).batchGrowthFactor(2).batchGrowthEvery(3).workers(3)
                .microBatch(8).ghostBatch(16).steps(77).lr(0.05).lrScaling(LrScaling.SQRT).referenceBatch(32)
                .schedule(ScheduleConfig.constant().withStepEvery(9).withDecay(ScheduleConfig.Decay.STEP)
                        .withStepFactor(0.5).withMinLr(1e-5).withPolyPower(2).withWarmupStartLr(0.01))
                .optimizer(OptimizerConfig.lamb().withL2(1e-4).withWeightDecay(0.01).withMomentum(0.8)
                        .withTrustCoefficient(0.002).withExcludeBiases(false).withMomentumCorrection(false).withEpsilon(1e-7))
                .clipNorm(1.5).divergence(new DivergenceConfig(DivergenceConfig.Policy.ROLLBACK, 4, 2, 0.25))
                .noiseEmaDecay(0.9).earlyStoppingPatience(2).evalEvery(11).targetAccuracy(0.9).seed(7).build();
        DataSpec data = new DataSpec(DataSpec.Source.parquet("/data/train"), DataSpec.Source.csv("/data/test.csv"),
                "y", null, List.of("px*", "extra"), 5, 0.2, DataPlacement.SHARDED);
        return new RunSpec(train, new EpochWarmup(ScheduleConfig.Warmup.CONSTANT, 1.5), data, ModelSpec.json("my-net", "{\"confs\": []}"),
                new OutputSpec("/runs/a", 20, "hdfs://nn/ckpt", false, 3), "local[3]", 3,
                StepTransportConfig.channel(Duration.ofSeconds(42)));
    }

    @Test
    void roundTripKeepsEveryField() {
        RunSpec spec = everyField();
        String json = SpecJson.write(spec);
        RunSpec back = SpecJson.read(json);
        assertEquals(spec, back);
        assertEquals(json, SpecJson.write(back));
        assertEquals(List.of(), SpecDiff.of(spec, back));
        assertNoDefaults(SpecJson.tree(spec), SpecJson.tree(RunSpec.builder().build()), "");
    }

    @Test
    void aSpecWrittenBeforeKeepCheckpointsExistedKeepsTheDefault() {
        String json = SpecJson.write(everyField());
        String older = json.replaceAll(",\\s*\"keepCheckpoints\" : 3", "");
        assertTrue(!older.contains("keepCheckpoints") && json.contains("keepCheckpoints"), older);
        assertEquals(OutputSpec.DEFAULT_KEEP_CHECKPOINTS, SpecJson.read(older).output().keepCheckpoints());
    }

    @Test
    void theStepTransportIsWrittenAsItsLabelAndASpecWithoutItIsTheDefaultAuto() {
        String json = SpecJson.write(everyField());
        JsonNode transport = SpecJson.tree(everyField()).path("transport");
        assertEquals("channel", transport.path("kind").asText());
        assertEquals(42, transport.path("stepTimeoutSeconds").asLong());
        assertEquals(Duration.ofSeconds(42), SpecJson.read(json).transport().stepTimeout());
        ObjectNode older = (ObjectNode) SpecJson.tree(everyField()).deepCopy();
        older.remove("transport");
        assertEquals(StepTransportConfig.auto(), SpecJson.fromTree(older).transport(), "run.json of older runs");
        assertEquals(new StepTransportConfig(StepTransportConfig.Kind.AUTO, 600L), StepTransportConfig.parse("AUTO"));
        assertEquals(StepTransportConfig.auto(), RunSpec.builder().build().transport(), "the builder's default");
    }

    @Test
    void badStepTransportsAreRefusedNamingTheField() {
        assertEquals("step transport must be job, channel or auto (got 'pigeon')", badTransport("\"pigeon\"", "600"));
        assertEquals("stepTimeoutSeconds must be a positive number of seconds (got -3)", badTransport("\"auto\"", "-3"));
        assertEquals("stepTimeoutSeconds must be a positive number of seconds (got 0)", badTransport("\"channel\"", "0"));
        assertEquals("stepTimeoutSeconds must be a positive number of seconds (got null)",
                badTransport("\"channel\"", "null"));
        assertEquals("stepTimeoutSeconds applies to the channel transport only (got 5 for transport job)",
                badTransport("\"job\"", "5"));
        assertEquals("step transport must be job, channel or auto (got 'channel ')", assertThrows(ConfigException.class,
                () -> StepTransportConfig.parse("channel ")).getMessage());
        assertEquals("stepTimeout must be a whole number of seconds (got PT0.5S)", assertThrows(ConfigException.class,
                () -> StepTransportConfig.channel(Duration.ofMillis(500))).getMessage());
    }

    /** The message of reading {@link #everyField()} with transport {kind, stepTimeoutSeconds} as given. */
    private static String badTransport(String kind, String timeout) {
        String json = SpecJson.write(everyField()).replaceFirst("\"transport\" : \\{[^}]*\\}",
                "\"transport\" : {\"kind\" : " + kind + ", \"stepTimeoutSeconds\" : " + timeout + "}");
        assertTrue(json.contains("\"kind\" : " + kind), json);
        return assertThrows(ConfigException.class, () -> SpecJson.read(json)).getMessage();
    }

    @Test
    void keepCheckpointsBelowOneIsRefusedNamingTheField() {
        ConfigException e = assertThrows(ConfigException.class, () -> new OutputSpec("d", 1, null, true, 0));
        assertEquals("keepCheckpoints must be at least 1 (got 0)", e.getMessage());
    }

    /** Guards the fixture: every leaf differs from the builder's default spec. */
    private static void assertNoDefaults(JsonNode spec, JsonNode defaults, String path) {
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode v = spec.get(name);
            JsonNode d = defaults == null ? null : defaults.get(name);
            if (v.isObject()) {
                assertNoDefaults(v, d, path + name + ".");
            } else if (!v.isNull() && !UNSET.contains(path + name)) {
                assertNotEquals(String.valueOf(d), String.valueOf(v), "fixture field at its default: " + path + name);
            }
        }
    }

    @Test
    void theBuilderDefaultsRoundTrip() {
        RunSpec spec = RunSpec.builder().data(DataSpec.idx("a.gz", "b.gz", 10)).workers(2).build();
        assertEquals(spec, SpecJson.read(SpecJson.write(spec)));
    }

    @Test
    void anInvalidValueInJsonIsTheFieldsValidationError() {
        ObjectNode tree = SpecJson.tree(everyField()).deepCopy();
        ((ObjectNode) tree.get("train")).put("lr", -1.0);
        ConfigException e = assertThrows(ConfigException.class, () -> SpecJson.fromTree(tree));
        assertTrue(e.getMessage().startsWith("lr ") && e.getMessage().contains("-1.0"), e.getMessage());
    }

    @Test
    void anUnknownFieldIsAnErrorNamingIt() {
        ObjectNode tree = SpecJson.tree(everyField()).deepCopy();
        ((ObjectNode) tree.get("output")).put("checkpointEverry", 5);
        ConfigException e = assertThrows(ConfigException.class, () -> SpecJson.fromTree(tree));
        assertTrue(e.getMessage().contains("checkpointEverry"), e.getMessage());
        assertThrows(ConfigException.class, () -> SpecJson.read("{not json"));
    }

    /** Fuzz finding: "null" (with anything after it) read as a null spec; text after a valid spec was ignored. */
    @Test
    void onlyOneJsonObjectIsASpec() {
        String json = SpecJson.write(everyField());
        for (String bad : List.of("null", "null, {}", "[1]", "\"spec\"", "")) {
            ConfigException e = assertThrows(ConfigException.class, () -> SpecJson.read(bad), bad);
            assertTrue(e.getMessage().startsWith("run spec"), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> SpecJson.read(json + " {\"lr\": 0.5}"));
        assertTrue(e.getMessage().contains("run spec is not valid JSON") && e.getMessage().contains("Trailing token"),
                e.getMessage());
        assertThrows(ConfigException.class, () -> SpecJson.fromTree(null));
        assertEquals(everyField(), SpecJson.read(json + "\n  "));
    }
}
