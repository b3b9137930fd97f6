package io.lockstep.app.cluster;

import static io.lockstep.app.cluster.StandaloneClusterIT.countSteps;
import static io.lockstep.app.cluster.StandaloneClusterIT.submitCommand;
import static io.lockstep.app.cluster.StandaloneClusterIT.trainArgs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.app.cluster.StandaloneClusterIT.Cluster;
import io.lockstep.app.cluster.StandaloneClusterIT.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone cluster started with a shared secret ({@code spark.authenticate=true} and
 * {@code spark.network.crypto.enabled=true}): a submission without the secret is refused quickly with a
 * non-zero exit code, one with it trains; the secret never shows up on a command line, in the run
 * directory or in any log.
 */
class SecuredClusterIT {
    @TempDir
    static Path tmp;

    static Cluster cluster;
    static Path secretFile;
    static String secret;

    @BeforeAll
    static void startCluster() throws Exception {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        secretFile = tmp.resolve("spark-secret");
        Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secretFile, secret + "\n");
        cluster = Cluster.start(tmp.resolve("cluster"), 2,
                Map.of("LOCKSTEP_SPARK_SECRET_FILE", secretFile.toString(), "LOCKSTEP_SPARK_CRYPTO", "1"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * The step channel on the secured cluster: the executors' channel tasks authenticate to the driver's channel
     * server with the application secret (AES-based auth, encrypted) and the run trains its steps.
     */
    @Test
    void stepChannelTrainsOnTheSecuredCluster() throws Exception {
        List<String> train = new ArrayList<>(trainArgs(3));
        train.addAll(List.of("--step-transport", "channel", "--step-timeout", "300"));
        Path out = tmp.resolve("channel");
        Proc run = Proc.run(tmp.resolve("channel.log"), StandaloneClusterIT.SUBMIT_TIMEOUT,
                Map.of("LOCKSTEP_SPARK_SECRET_FILE", secretFile.toString(), "LOCKSTEP_SPARK_CRYPTO", "1"),
                submitCommand(cluster.masterUrl(), train, out));
        System.out.printf("[cluster IT] d) secured cluster, step channel: exit %d after %.1f s%n", run.exitCode(),
                run.seconds());
        assertEquals(0, run.exitCode(), run.tail(40));
        assertEquals(3, countSteps(out));
    }

    @Test
    void onlySubmissionsWithTheSecretAreAccepted() throws Exception {
        String masterLog = Files.readString(cluster.state().resolve("master.log"));
        assertTrue(masterLog.contains("authentication enabled"), "the master must run with spark.authenticate");
        assertFalse(Files.exists(cluster.state().resolve("daemon.properties")), "the daemons' secret file must be gone");

        List<String> train = trainArgs(3);
        Path submitTmp = Files.createDirectories(tmp.resolve("submit-tmp"));

        Path rejectedOut = tmp.resolve("rejected");
        Proc rejected = Proc.start(tmp.resolve("rejected.log"), Map.of("TMPDIR", submitTmp.toString()),
                submitCommand(cluster.masterUrl(), train, rejectedOut));
        assertTrue(rejected.awaitOrKill(Duration.ofMinutes(3)), "a submission without the secret must end by itself");
        System.out.printf("[cluster IT] c) submission without the secret: exit %d after %.1f s%n", rejected.exitCode(),
                rejected.seconds());
        assertNotEquals(0, rejected.exitCode(), rejected.tail(40));
        assertTrue(rejected.output().contains("requires authentication"), rejected.tail(40));
        assertFalse(Files.exists(rejectedOut.resolve("model.zip")));

        Path acceptedOut = tmp.resolve("accepted");
        Proc accepted = Proc.run(tmp.resolve("accepted.log"), StandaloneClusterIT.SUBMIT_TIMEOUT,
                Map.of("TMPDIR", submitTmp.toString(), "LOCKSTEP_SPARK_SECRET_FILE", secretFile.toString(),
                        "LOCKSTEP_SPARK_CRYPTO", "1"),
                submitCommand(cluster.masterUrl(), train, acceptedOut));
        System.out.printf("[cluster IT] c) submission with the secret: exit %d after %.1f s%n", accepted.exitCode(),
                accepted.seconds());
        assertEquals(0, accepted.exitCode(), accepted.tail(40));
        assertEquals(3, countSteps(acceptedOut));
        assertTrue(Files.exists(acceptedOut.resolve("model.zip")));

        // the secret is nowhere: submit.sh's temporary properties file is deleted, no file written by the
        // runs or the cluster (logs, executor command lines in the worker dirs) contains it, and no daemon
        // or executor has it on its command line
        try (Stream<Path> left = Files.list(submitTmp)) {
            assertEquals(List.of(), left.toList(), "submit.sh left temporary files behind");
        }
        List<Path> scanned = new ArrayList<>();
        for (Path dir : List.of(acceptedOut, rejectedOut, cluster.state(), tmp)) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(secretFile)).toList()) {
                        assertFalse(contains(f, secret), "the secret leaked into " + f);
                        scanned.add(f);
                    }
                }
            }
        }
        List<ProcessHandle> jvms = new ArrayList<>();
        cluster.daemonPids().forEach(pid -> ProcessHandle.of(pid).ifPresent(jvms::add));
        jvms.addAll(cluster.executors());
        for (ProcessHandle h : jvms) {
            assertFalse(h.info().commandLine().orElse("").contains(secret), "secret on the command line of " + h.pid());
        }
        System.out.printf("[cluster IT] c) secret absent from %d files and %d JVM command lines%n", scanned.size(), jvms.size());
    }

    private static boolean contains(Path file, String text) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
    }
}
