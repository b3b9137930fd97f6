package io.lockstep.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.lockstep.app.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Renders each kustomize overlay with kubectl and checks every document against fabric8's typed models. */
class ManifestK8sTest {
    static final Set<String> RBAC_RESOURCES = Set.of("pods", "services", "configmaps", "persistentvolumeclaims");
    static final Set<String> RBAC_VERBS = Set.of("create", "get", "list", "watch", "delete", "deletecollection", "patch", "update");
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Namespace", Namespace.class, "ServiceAccount", ServiceAccount.class, "Role", Role.class,
            "RoleBinding", RoleBinding.class, "ConfigMap", ConfigMap.class, "PersistentVolumeClaim", PersistentVolumeClaim.class,
            "Secret", Secret.class);
    /** Spark Operator v1beta2 fields we use (a typo in the CRD section would otherwise be ignored silently). */
    static final Set<String> SPEC_FIELDS = Set.of("type", "mode", "sparkVersion", "image", "imagePullPolicy", "mainClass",
            "mainApplicationFile", "arguments", "restartPolicy", "sparkConf", "volumes", "driver", "executor", "hadoopConf");
    static final Set<String> POD_FIELDS = Set.of("cores", "coreRequest", "coreLimit", "memory", "memoryOverhead", "instances",
            "serviceAccount", "env", "podSecurityContext", "securityContext", "volumeMounts", "labels", "annotations");

    @TempDir
    Path tmp;

    static List<JsonNode> render(String overlay) throws Exception {
        Assumptions.assumeTrue(Repo.onPath("kubectl"),
                "SKIPPED: kubectl is not installed, so the kustomize overlays cannot be rendered (.ci/run installs it)");
        String yaml;
        try {
            yaml = Repo.run(Repo.root(), List.of("kubectl", "kustomize", "k8s/overlays/" + overlay));
        } catch (Repo.CommandFailed e) {
            // kubectl < 1.21 embeds kustomize 2.0.3 (Debian bookworm ships kubectl 1.20): report, do not fail on it.
            String version = Repo.run(Repo.root(), List.of("kubectl", "version", "--client"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("v1\\.(\\d+)").matcher(version);
            boolean old = m.find() && Integer.parseInt(m.group(1)) < 21;
            Assumptions.assumeFalse(old, "SKIPPED: this kubectl's embedded kustomize is too old (" + version.strip()
                    + ", need kubectl >= 1.21): " + e.getMessage());
            throw e;
        }
        return Repo.readDocuments(yaml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayRendersToValidLeastPrivilegeManifests(String overlay) throws Exception {
        List<JsonNode> docs = render(overlay);
        Map<String, List<Object>> byKind = new HashMap<>();
        List<JsonNode> apps = new ArrayList<>();
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            if (kind.equals("SparkApplication")) {
                assertEquals("sparkoperator.k8s.io/v1beta2", d.path("apiVersion").asText());
                Repo.STRICT.convertValue(d, GenericKubernetesResource.class);
                apps.add(d);
                continue;
            }
            assertFalse(kind.startsWith("Cluster"), overlay + ": cluster-scoped RBAC is not allowed: " + kind);
            Class<? extends HasMetadata> type = KINDS.get(kind);
            assertNotNull(type, overlay + ": unexpected kind " + kind);
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(Repo.strict(d, type));
        }
        assertEquals(1, apps.size(), "exactly one SparkApplication");
        Namespace ns = only(byKind, "Namespace", Namespace.class);
        String namespace = ns.getMetadata().getName();
        for (JsonNode d : docs) {
            if (!d.path("kind").asText().equals("Namespace")) {
                assertEquals(namespace, d.path("metadata").path("namespace").asText(), "namespace of " + d.path("kind") + " " + d.at("/metadata/name"));
            }
        }

        // No committed secret material.
        for (Object o : byKind.getOrDefault("Secret", List.of())) {
            Secret s = (Secret) o;
            assertTrue((s.getData() == null || s.getData().isEmpty()) && (s.getStringData() == null || s.getStringData().isEmpty()),
                    "Secret with data committed: " + s.getMetadata().getName());
        }

        // RBAC: one namespaced Role, least privilege, bound to the driver's service account.
        Role role = only(byKind, "Role", Role.class);
        for (PolicyRule r : role.getRules()) {
            assertEquals(List.of(""), r.getApiGroups(), "core API group only");
            for (String res : r.getResources()) assertTrue(RBAC_RESOURCES.contains(res), "resource not allowed: " + res);
            for (String v : r.getVerbs()) assertTrue(RBAC_VERBS.contains(v), "verb not allowed: " + v);
            assertFalse(r.getResources().contains("*") || r.getVerbs().contains("*") || r.getApiGroups().contains("*"), "wildcard");
            assertTrue(r.getNonResourceURLs() == null || r.getNonResourceURLs().isEmpty(), "no non-resource URLs");
        }
        Set<String> granted = role.getRules().stream().flatMap(r -> r.getResources().stream()).collect(Collectors.toSet());
        assertTrue(granted.containsAll(Set.of("pods", "services", "configmaps")), "the driver needs pods, services, configmaps: " + granted);
        ServiceAccount sa = only(byKind, "ServiceAccount", ServiceAccount.class);
        RoleBinding rb = only(byKind, "RoleBinding", RoleBinding.class);
        assertEquals("Role", rb.getRoleRef().getKind());
        assertEquals(role.getMetadata().getName(), rb.getRoleRef().getName());
        assertEquals(1, rb.getSubjects().size());
        assertEquals("ServiceAccount", rb.getSubjects().get(0).getKind());
        assertEquals(sa.getMetadata().getName(), rb.getSubjects().get(0).getName());
        assertEquals(namespace, rb.getSubjects().get(0).getNamespace());

        // The SparkApplication.
        JsonNode spec = apps.get(0).path("spec");
        spec.fieldNames().forEachRemaining(f -> assertTrue(SPEC_FIELDS.contains(f), "unknown SparkApplication spec field: " + f));
        assertEquals("Java", spec.path("type").asText());
        assertEquals("cluster", spec.path("mode").asText());
        assertEquals(Main.class.getName(), spec.path("mainClass").asText());
        assertEquals("local://" + Repo.JAR_IN_IMAGE, spec.path("mainApplicationFile").asText());
        assertEquals(Repo.JAR_IN_IMAGE, DockerfileK8sTest.copyTarget(), "jar path = the Dockerfile's COPY target");
        assertPinnedImage(spec.path("image").asText());
        assertEquals(sa.getMetadata().getName(), spec.path("driver").path("serviceAccount").asText());

        List<Volume> volumes = Repo.strict(spec.path("volumes"), VolumeList.class);
        Map<String, Volume> volumeByName = volumes.stream().collect(Collectors.toMap(Volume::getName, v -> v));
        for (Volume v : volumes) {
            if (v.getSecret() != null) assertNotNull(v.getSecret().getSecretName(), "secret volumes reference an existing Secret by name");
        }
        for (String role2 : List.of("driver", "executor")) {
            JsonNode pod = spec.path(role2);
            pod.fieldNames().forEachRemaining(f -> assertTrue(POD_FIELDS.contains(f), "unknown " + role2 + " field: " + f));
            for (String f : List.of("cores", "coreLimit", "memory")) {
                assertFalse(pod.path(f).asText().isBlank(), role2 + "." + f + " (CPU/memory request and limit) must be set");
            }
            PodSecurityContext psc = Repo.strict(pod.path("podSecurityContext"), PodSecurityContext.class);
            assertEquals(Boolean.TRUE, psc.getRunAsNonRoot(), role2 + " pod runAsNonRoot");
            assertEquals(185L, psc.getRunAsUser(), role2 + " pod runAsUser");
            List<VolumeMount> mounts = Repo.strict(pod.path("volumeMounts"), VolumeMountList.class);
            assertHardened(role2, Repo.strict(pod.path("securityContext"), SecurityContext.class), mounts);
            Repo.strict(pod.path("env"), EnvVarList.class);
            for (VolumeMount m : mounts) assertTrue(volumeByName.containsKey(m.getName()), role2 + " mounts unknown volume " + m.getName());
        }

        // Arguments: `train @FILE`, FILE = the ConfigMap's train.args mounted into the driver; parsed by the real CLI.
        List<String> args = Repo.YAML.convertValue(spec.path("arguments"), new TypeReference<List<String>>() {});
        assertEquals("train", args.get(0));
        List<VolumeMount> driverMounts = Repo.strict(spec.path("driver").path("volumeMounts"), VolumeMountList.class);
        List<String> expanded = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("@")) {
                expanded.add(a);
                continue;
            }
            String path = a.substring(1);
            VolumeMount m = driverMounts.stream().filter(vm -> vm.getMountPath().equals(path)).findFirst()
                    .orElseThrow(() -> new AssertionError("argument file " + path + " is not mounted into the driver"));
            Volume v = volumeByName.get(m.getName());
            assertNotNull(v.getConfigMap(), "argument file comes from a ConfigMap");
            ConfigMap cm = byKind.get("ConfigMap").stream().map(ConfigMap.class::cast)
                    .filter(c -> c.getMetadata().getName().equals(v.getConfigMap().getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("ConfigMap " + v.getConfigMap().getName() + " is not in the overlay"));
            String content = cm.getData().get(m.getSubPath());
            assertNotNull(content, "ConfigMap key " + m.getSubPath());
            Path file = tmp.resolve(overlay + "-" + m.getSubPath());
            Files.writeString(file, content);
            expanded.add("@" + file);
        }
        CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(expanded.toArray(String[]::new));
        assertTrue(parsed.hasSubcommand(), "train subcommand");
        CommandLine.ParseResult train = parsed.subcommand();
        assertEquals("train", train.commandSpec().name());
        Path out = train.matchedOptionValue("--out", null);
        assertNotNull(out, "--out must be set (the run directory on the volume)");
        long every = train.matchedOptionValue("--checkpoint-every", 0L);
        assertTrue(every > 0, "--checkpoint-every N > 0");
        assertTrue(driverMounts.stream().anyMatch(vm -> out.startsWith(vm.getMountPath())
                        && volumeByName.get(vm.getName()).getPersistentVolumeClaim() != null),
                "--out " + out + " must be on the PVC mounted into the driver");
        String claim = driverMounts.stream().filter(vm -> out.startsWith(vm.getMountPath())).findFirst()
                .map(vm -> volumeByName.get(vm.getName()).getPersistentVolumeClaim().getClaimName()).orElseThrow();
        assertTrue(byKind.get("PersistentVolumeClaim").stream().map(PersistentVolumeClaim.class::cast)
                .anyMatch(p -> p.getMetadata().getName().equals(claim)), "PVC " + claim + " is part of the overlay");
        String checkpointDir = train.matchedOptionValue("--checkpoint-dir", null);
        if (overlay.equals("prod")) {
            assertNotNull(checkpointDir, "prod checkpoints go to object storage");
            assertTrue(checkpointDir.startsWith("s3a://"), checkpointDir);
            assertTrue(spec.path("executor").path("instances").asInt() > 2, "prod runs more executors");
        }
    }

    @Test
    void podTemplatesAreHardenedAndSized() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String d : List.of("k8s/pod-templates", "k8s/tools")) {
            try (Stream<Path> s = Files.list(Repo.root().resolve(d))) {
                s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        assertEquals(3, files.size(), "driver and executor templates, fetch-runs pod: " + files);
        for (Path f : files) {
            List<JsonNode> docs = Repo.readDocuments(Files.readString(f));
            assertEquals(1, docs.size());
            Pod pod = Repo.strict(docs.get(0), Pod.class);
            String name = f.getFileName().toString();
            assertEquals(Boolean.TRUE, pod.getSpec().getSecurityContext().getRunAsNonRoot(), name);
            assertEquals(185L, pod.getSpec().getSecurityContext().getRunAsUser(), name);
            assertEquals(1, pod.getSpec().getContainers().size(), name);
            Container c = pod.getSpec().getContainers().get(0);
            if (c.getImage() != null) assertPinnedImage(c.getImage());
            assertHardened(name, c.getSecurityContext(), c.getVolumeMounts());
            for (String k : List.of("cpu", "memory")) {
                assertNotNull(c.getResources().getRequests().get(k), name + " request " + k);
                assertNotNull(c.getResources().getLimits().get(k), name + " limit " + k);
            }
            Set<String> vols = pod.getSpec().getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
            for (VolumeMount m : c.getVolumeMounts()) assertTrue(vols.contains(m.getName()), name + ": unknown volume " + m.getName());
            for (Volume v : pod.getSpec().getVolumes()) {
                if (v.getSecret() != null) assertNotNull(v.getSecret().getSecretName());
            }
        }
    }

    static void assertHardened(String what, SecurityContext sc, List<VolumeMount> mounts) {
        assertNotNull(sc, what + " securityContext");
        assertEquals(Boolean.TRUE, sc.getRunAsNonRoot(), what + " runAsNonRoot");
        assertEquals(185L, sc.getRunAsUser(), what + " runAsUser");
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), what + " allowPrivilegeEscalation");
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), what + " capabilities drop");
        assertTrue(sc.getPrivileged() == null || !sc.getPrivileged(), what + " privileged");
        if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
            Set<String> paths = mounts.stream().map(VolumeMount::getMountPath).collect(Collectors.toSet());
            assertTrue(paths.contains("/tmp") && paths.contains("/opt/spark/work-dir"),
                    what + ": a read-only root needs writable /tmp and /opt/spark/work-dir: " + paths);
        }
    }

    static void assertPinnedImage(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        assertTrue(last.contains(":") || last.contains("@sha256:"), "image must carry a tag or digest: " + image);
        assertFalse(image.endsWith(":latest"), "image must not be :latest: " + image);
    }

    static <T> T only(Map<String, List<Object>> byKind, String kind, Class<T> type) {
        List<Object> l = byKind.getOrDefault(kind, List.of());
        if (l.size() != 1) fail("expected exactly one " + kind + ", got " + l.size());
        return type.cast(l.get(0));
    }

    static final class VolumeList extends ArrayList<Volume> {}

    static final class VolumeMountList extends ArrayList<VolumeMount> {}

    static final class EnvVarList extends ArrayList<EnvVar> {}
}
