package io.lockstep.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of deploy/docker/Dockerfile and the root .dockerignore (no Docker engine and no Dockerfile
 * linter such as hadolint are available here, so the rules that matter are asserted directly).
 */
class DockerfileK8sTest {
    static final String SHADED_JAR = "modules/lockstep-app/target/lockstep-app-0.1.0-SNAPSHOT-shaded.jar";

    /** Instructions with line continuations joined and comments dropped. */
    static List<String> instructions() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(Repo.root().resolve("deploy/docker/Dockerfile"))) {
            String t = line.strip();
            if (cur.length() == 0 && (t.isEmpty() || t.startsWith("#"))) continue;
            if (t.endsWith("\\")) {
                cur.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            cur.append(t);
            out.add(cur.toString().strip());
            cur.setLength(0);
        }
        if (cur.length() > 0) out.add(cur.toString().strip());
        return out;
    }

    static List<String> withKeyword(String keyword) throws IOException {
        return instructions().stream().filter(i -> i.toUpperCase().startsWith(keyword + " ")).toList();
    }

    /** Destination of the single COPY (where the jar lands in the image). */
    static String copyTarget() throws IOException {
        List<String> copies = withKeyword("COPY");
        assertEquals(1, copies.size(), "exactly one COPY: " + copies);
        String[] words = copies.get(0).split("\\s+");
        return words[words.length - 1];
    }

    @Test
    void baseImageIsTheOfficialSparkImagePinned() throws IOException {
        List<String> froms = withKeyword("FROM");
        assertEquals(1, froms.size(), "single-stage build: " + froms);
        String image = froms.get(0).split("\\s+")[1];
        assertEquals("apache/spark:3.5.6-scala2.12-java17-ubuntu", image);
        assertFalse(image.endsWith(":latest"));
        assertTrue(instructions().get(0).toUpperCase().startsWith("FROM "), "FROM comes first");
    }

    @Test
    void addsOnlyTheShadedJarAndRunsAsTheSparkUser() throws IOException {
        List<String> ins = instructions();
        assertTrue(withKeyword("ADD").isEmpty(), "no ADD");
        assertTrue(withKeyword("RUN").isEmpty(), "no RUN (nothing installed, nothing downloaded)");
        assertTrue(withKeyword("ENV").stream().noneMatch(e -> e.toUpperCase().matches(".*(SECRET|PASSWORD|TOKEN|KEY).*")), "no secrets in ENV");
        assertTrue(withKeyword("ARG").isEmpty(), "no build args (a place secrets leak into layers)");
        String copy = withKeyword("COPY").get(0);
        List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
        words.remove(0);
        words.removeIf(w -> w.startsWith("--"));
        assertEquals(List.of(SHADED_JAR, Repo.JAR_IN_IMAGE), words, "COPY of the shaded jar only");
        assertEquals(Repo.JAR_IN_IMAGE, copyTarget());
        assertTrue(Files.exists(Repo.root().resolve("modules/lockstep-app/pom.xml")));

        List<String> users = withKeyword("USER");
        assertFalse(users.isEmpty(), "USER must be set");
        String last = users.get(users.size() - 1).split("\\s+")[1];
        assertTrue(last.equals("spark") || last.equals("185") || last.startsWith("185:"), "non-root user spark (uid 185): " + last);
        assertTrue(ins.get(ins.size() - 1).toUpperCase().startsWith("USER "), "USER is the last instruction");
    }

    @Test
    void ociLabelsArePresent() throws IOException {
        String labels = String.join(" ", withKeyword("LABEL"));
        for (String k : List.of("version", "source", "title", "description")) {
            Matcher m = Pattern.compile("org\\.opencontainers\\.image\\." + k + "=\"([^\"]+)\"").matcher(labels);
            assertTrue(m.find(), "label org.opencontainers.image." + k);
            assertFalse(m.group(1).isBlank());
        }
        Matcher v = Pattern.compile("org\\.opencontainers\\.image\\.version=\"([^\"]+)\"").matcher(labels);
        assertTrue(v.find());
        assertEquals("0.1.0-SNAPSHOT", v.group(1), "label version = the Maven version");
    }

    @Test
    void dockerignoreLetsOnlyTheJarThrough() throws IOException {
        List<String> rules = Files.readAllLines(Repo.root().resolve(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(List.of("*", "!" + SHADED_JAR), rules);
        assertTrue(Set.copyOf(rules).contains("*"));
    }
}
