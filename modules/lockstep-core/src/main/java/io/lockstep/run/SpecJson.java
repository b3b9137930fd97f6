package io.lockstep.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.config.ConfigException;
import io.lockstep.config.StepTransportConfig;
import java.util.Locale;

/**
 * Writes and reads a {@link RunSpec} as JSON (Jackson). Reading validates exactly as the constructors
 * do; an unknown or malformed field is an error naming it, never silently dropped.
 */
public final class SpecJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SpecJson() {}

    /** The spec as indented JSON text. */
    public static String write(RunSpec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write run spec: " + e.getOriginalMessage(), e);
        }
    }

    /** The spec as a JSON tree (for run.json, checkpoints and {@link SpecDiff}). */
    public static JsonNode tree(RunSpec spec) {
        return JSON.valueToTree(spec);
    }

    /** @throws ConfigException naming the field and the problem */
    public static RunSpec read(String json) {
        try {
            return fromTree(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new ConfigException("run spec is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** @throws ConfigException naming the field and the problem */
    public static RunSpec fromTree(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("run spec: expected a JSON object, found "
                    + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        try {
            return JSON.treeToValue(withDefaultsOfNewerFields(tree), RunSpec.class);
        } catch (JsonProcessingException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof IllegalArgumentException iae) {
                    throw iae instanceof ConfigException ce ? ce : new ConfigException(iae.getMessage());
                }
            }
            throw new ConfigException("run spec: " + e.getOriginalMessage() + " at " + path(e));
        }
    }

    /**
     * Specs written before a field existed (run.json of older runs) get its default: {@code output.keepCheckpoints},
     * and {@code transport} = the default, {@code auto} (a step's result does not depend on the transport, so an older
     * run resumed over the channel continues exactly as over one job per step).
     */
    private static JsonNode withDefaultsOfNewerFields(JsonNode tree) {
        ObjectNode copy = tree.deepCopy();
        if (copy.get("output") instanceof ObjectNode out && !out.has("keepCheckpoints")) {
            out.put("keepCheckpoints", OutputSpec.DEFAULT_KEEP_CHECKPOINTS);
        }
        if (!copy.has("transport")) {
            copy.set("transport", JSON.valueToTree(StepTransportConfig.auto()));
        }
        return copy;
    }

    private static String path(JsonProcessingException e) {
        return e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? m.getPathReference() : "?";
    }
}
