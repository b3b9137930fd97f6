package io.lockstep.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Shared helpers: repository paths, strict YAML loading into fabric8 models. */
final class Repo {
    private Repo() {}

    static final String JAR_IN_IMAGE = "/opt/lockstep/lockstep.jar";

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("k8s/base"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("repository root (with k8s/base) not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** Jackson over fabric8 models, failing on unknown properties (see {@link #assertNoUnknownFields}). */
    static final ObjectMapper STRICT = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> readDocuments(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) docs.add(n);
            }
        }
        return docs;
    }

    /** Strict conversion into a fabric8 model: unknown fields fail (also those fabric8 would keep in additionalProperties). */
    static <T> T strict(JsonNode node, Class<T> type) {
        T value = STRICT.convertValue(node, type);
        assertNoUnknownFields(value, type.getSimpleName(), new IdentityHashMap<>());
        return value;
    }

    /**
     * fabric8 models accept unknown fields into {@code additionalProperties} (a {@code @JsonAnySetter}), so
     * FAIL_ON_UNKNOWN_PROPERTIES alone never fires on them: walk the object graph and demand it is empty.
     */
    static void assertNoUnknownFields(Object o, String path, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) return;
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) assertNoUnknownFields(e, path + "[" + i++ + "]", seen);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) assertNoUnknownFields(e.getValue(), path + "." + e.getKey(), seen);
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) continue;
            String n = m.getName();
            if (!n.startsWith("get") || n.equals("getClass")) continue;
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (n.equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty() && !(o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource)) {
                    throw new AssertionError("unknown field(s) " + extra.keySet() + " at " + path + " (" + o.getClass().getSimpleName() + ")");
                }
                continue;
            }
            assertNoUnknownFields(v, path + "." + Character.toLowerCase(n.charAt(3)) + n.substring(4), seen);
        }
    }

    /** Runs a command; returns its stdout (stderr, e.g. kustomize deprecation warnings, only reported on failure). */
    static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("lockstep-k8s", ".stderr");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            int rc = p.waitFor();
            if (rc != 0) throw new CommandFailed(String.join(" ", command) + " failed (" + rc + "):\n" + Files.readString(err) + out);
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    static final class CommandFailed extends AssertionError {
        CommandFailed(String message) {
            super(message);
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
