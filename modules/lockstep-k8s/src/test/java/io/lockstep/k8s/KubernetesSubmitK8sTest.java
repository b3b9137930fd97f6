package io.lockstep.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.lockstep.app.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.submit.KubernetesClientApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's own Kubernetes submission client (what spark-submit --deploy-mode cluster runs) builds the driver
 * pod from exactly the settings of deploy/k8s-submit.sh, against fabric8's mock API server in CRUD mode.
 */
class KubernetesSubmitK8sTest {
    KubernetesMockServer server;
    KubernetesClient client;

    /**
     * fabric8 6.7.2's CRUD mock answers a server-side apply (PATCH application/apply-patch+yaml, which Spark 3.5
     * uses for the driver's Service and ConfigMap) of a resource that does not exist yet with 404; a real API
     * server creates it. This dispatcher does the same: such a PATCH becomes a create of the applied body.
     */
    static final class ApplyingCrudDispatcher extends KubernetesCrudDispatcher {
        /** RecordedRequest reads the local address off a socket; the rewritten request has none. */
        static final java.net.Socket LOOPBACK = new java.net.Socket() {
            @Override
            public java.net.InetAddress getLocalAddress() {
                return java.net.InetAddress.getLoopbackAddress();
            }

            @Override
            public int getLocalPort() {
                return 80;
            }
        };

        @Override
        public MockResponse handlePatch(RecordedRequest request) {
            String type = String.valueOf(request.getHeader("Content-Type"));
            String path = request.getPath();
            String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            if (type.contains("apply-patch") && handleGet(plain).getStatus().contains(" 404")) {
                String collection = plain.substring(0, plain.lastIndexOf('/'));
                RecordedRequest create = new RecordedRequest("POST " + collection + " HTTP/1.1", request.getHeaders(),
                        List.of(), request.getBodySize(), request.getBody().clone(), request.getSequenceNumber(), LOOPBACK);
                return handleCreate(create);
            }
            return super.handlePatch(request);
        }
    }

    @BeforeEach
    void startServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new java.util.HashMap<>(), new ApplyingCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stopServer() {
        if (client != null) client.close();
        if (server != null) server.destroy();
    }

    @TempDir
    Path tmp;

    /** The spark-submit command line deploy/k8s-submit.sh would run (its dry-run mode, one argument per line). */
    List<String> submitCommand() throws Exception {
        Path fakeHome = tmp.resolve("spark-home");
        Files.createDirectories(fakeHome.resolve("jars"));
        Files.createFile(fakeHome.resolve("jars/spark-kubernetes_2.12-3.5.6.jar"));
        ProcessBuilder pb = new ProcessBuilder("bash", "deploy/k8s-submit.sh", "https://kube.example:6443")
                .directory(Repo.root().toFile()).redirectErrorStream(true);
        pb.environment().put("SPARK_HOME", fakeHome.toString());
        pb.environment().put("LOCKSTEP_K8S_SUBMIT_DRY_RUN", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return List.of(out.split("\n"));
    }

    @Test
    void sparkBuildsTheDriverPodFromOurSettings() throws Exception {
        List<String> cmd = submitCommand();
        int i = cmd.indexOf("org.apache.spark.deploy.SparkSubmit");
        assertTrue(i > 0, "SparkSubmit main class in " + cmd);
        Map<String, String> confs = new LinkedHashMap<>();
        Map<String, String> opts = new LinkedHashMap<>();
        int j = i + 1;
        while (j < cmd.size() && cmd.get(j).startsWith("--")) {
            String k = cmd.get(j), v = cmd.get(j + 1);
            if (k.equals("--conf")) {
                int eq = v.indexOf('=');
                confs.put(v.substring(0, eq), v.substring(eq + 1));
            } else {
                opts.put(k, v);
            }
            j += 2;
        }
        String primary = cmd.get(j);
        List<String> appArgs = cmd.subList(j + 1, cmd.size());
        assertEquals("k8s://https://kube.example:6443", opts.get("--master"));
        assertEquals("cluster", opts.get("--deploy-mode"));
        assertEquals(Main.class.getName(), opts.get("--class"));
        assertEquals("local://" + Repo.JAR_IN_IMAGE, primary);
        assertEquals(List.of("train", "@/etc/lockstep/train.args"), appArgs);
        ManifestK8sTest.assertPinnedImage(confs.get("spark.kubernetes.container.image"));

        // Run Spark's submission client (as SparkSubmit would in cluster mode) against the mock API server.
        SparkConf conf = new SparkConf(false);
        confs.forEach(conf::set);
        conf.set("spark.master", "k8s://" + client.getMasterUrl().toString().replaceAll("/$", ""));
        conf.set("spark.submit.deployMode", "cluster");
        conf.set("spark.app.name", opts.get("--name"));
        List<String> clientArgs = new ArrayList<>(List.of("--primary-java-resource", primary, "--main-class", opts.get("--class")));
        for (String a : appArgs) clientArgs.addAll(List.of("--arg", a));
        new KubernetesClientApplication().start(clientArgs.toArray(String[]::new), conf);

        String ns = confs.get("spark.kubernetes.namespace");
        List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
        assertEquals(1, pods.size(), "one driver pod created");
        Pod driver = pods.get(0);
        assertEquals("driver", driver.getMetadata().getLabels().get("spark-role"));
        assertEquals("lockstep-spark", driver.getSpec().getServiceAccountName());
        Container c = driver.getSpec().getContainers().stream().filter(k -> k.getName().equals("spark-kubernetes-driver")).findFirst()
                .orElseThrow();
        assertEquals(confs.get("spark.kubernetes.container.image"), c.getImage());
        List<String> args = c.getArgs();
        int cls = args.indexOf("--class");
        assertTrue(cls >= 0 && args.get(cls + 1).equals(Main.class.getName()), "driver args: " + args);
        assertTrue(args.stream().anyMatch(a -> a.endsWith(Repo.JAR_IN_IMAGE)), "driver args name the jar: " + args);
        assertEquals(appArgs, args.subList(args.size() - appArgs.size(), args.size()), "application arguments last: " + args);

        // The pod template's hardening survives Spark's own pod building.
        assertEquals(Boolean.TRUE, driver.getSpec().getSecurityContext().getRunAsNonRoot());
        assertEquals(185L, driver.getSpec().getSecurityContext().getRunAsUser());
        assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        Set<String> volumes = driver.getSpec().getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
        assertTrue(volumes.containsAll(Set.of("train-config", "spark-auth", "tmp", "work-dir", "data")), "volumes: " + volumes);
        for (String k : List.of("cpu", "memory")) {
            assertNotNull(c.getResources().getRequests().get(k), "request " + k);
            assertNotNull(c.getResources().getLimits().get(k), "limit " + k);
        }
        assertEquals("1", c.getResources().getLimits().get("cpu").toString());
        // No secret value in the pod spec: the secret is a mounted file from an existing Secret.
        assertFalse(c.getEnv().stream().anyMatch(e -> e.getName().contains("AUTH_SECRET") && e.getValue() != null), "env: " + c.getEnv());

        // The confs reach the driver through Spark's spark.properties ConfigMap.
        String props = client.configMaps().inNamespace(ns).list().getItems().stream()
                .map(ConfigMap::getData).filter(d -> d != null && d.containsKey("spark.properties"))
                .map(d -> d.get("spark.properties")).findFirst().orElseThrow(() -> new AssertionError("no spark.properties ConfigMap"));
        for (String k : List.of("spark.kubernetes.namespace", "spark.kubernetes.container.image",
                "spark.kubernetes.authenticate.driver.serviceAccountName", "spark.authenticate",
                "spark.authenticate.secret.executor.file", "spark.executor.instances")) {
            assertTrue(props.contains(k + "=" + confs.get(k).replace(":", "\\:")) || props.contains(k + "=" + confs.get(k)),
                    k + " in spark.properties:\n" + props);
        }
        assertTrue(client.services().inNamespace(ns).list().getItems().size() >= 1, "driver service created");
    }
}
