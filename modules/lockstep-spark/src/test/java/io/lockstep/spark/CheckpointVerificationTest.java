package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.config.DivergenceConfig;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.optim.ParameterUpdate;
import io.lockstep.train.CheckpointException;
import io.lockstep.train.DivergenceGuard;
import io.lockstep.train.TrainingCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HadoopCheckpointStore} on {@code file://}: a damaged newest checkpoint (a flipped bit in any
 * array, a truncated array file, a manifest that lies about a length, a foreign file) is skipped with
 * one warning line naming the file and what failed, and the previous checkpoint is used; when none is
 * left the store says so in one line; a Java-serialized file is never deserialized. Hadoop's own
 * {@code .crc} side files are removed where a test damages a file, as on a store without client
 * checksums (an object store), so that the checkpoint's own checks are what catches it.
 */
class CheckpointVerificationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NEWEST = "ckpt-000000000020";

    @TempDir
    Path tmp;
    private Path dir;
    private HadoopCheckpointStore store;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void twoCheckpoints() throws IOException {
        dir = tmp.resolve("checkpoints");
        store = new HadoopCheckpointStore(dir.toUri().toString(), new Configuration());
        store.save(checkpoint(10, 1f));
        store.save(checkpoint(20, 2f));
    }

    @Test
    void oneFlippedBitInAnyArrayFallsBackToThePreviousCheckpoint() throws IOException {
        byte[] good = Files.readAllBytes(file("arrays.bin"));
        int arrays = 0;
        for (JsonNode e : manifest().get("arrays")) {
            byte[] damaged = good.clone();
            damaged[(int) (e.get("offset").longValue() + 2 * e.get("length").longValue())] ^= 0x01;
            overwrite("arrays.bin", damaged);
            assertFallsBack(NEWEST + "/arrays.bin: array '" + e.get("name").textValue() + "' CRC32C mismatch");
            arrays++;
        }
        assertEquals(7, arrays, "params, Adam's 2 moments, best params, the last good params and its 2 moments");
        overwrite("arrays.bin", good);
        assertEquals(20, store.latest(warnings::add).orElseThrow().nextStep(), "the undamaged file is good again");
    }

    @Test
    void aTruncatedArrayFileFallsBack() throws IOException {
        byte[] good = Files.readAllBytes(file("arrays.bin"));
        overwrite("arrays.bin", Arrays.copyOf(good, good.length - 1000));
        assertFallsBack(NEWEST + "/arrays.bin: " + (good.length - 1000) + " bytes, but the manifest's array");
    }

    @Test
    void aManifestThatLiesAboutALengthFallsBack() throws IOException {
        ObjectNode m = (ObjectNode) manifest();
        ObjectNode params = (ObjectNode) m.get("arrays").get(0);
        params.put("length", params.get("length").intValue() + 1);
        overwrite("manifest.json", JSON.writeValueAsBytes(m));
        assertFallsBack(NEWEST + "/manifest.json: array 'optimizer.state.0' has offset");

        params.put("length", 1 << 30); // 4 GiB claimed for a small file: refused before any allocation
        overwrite("manifest.json", JSON.writeValueAsBytes(m));
        assertFallsBack(NEWEST + "/arrays.bin: " + Files.size(file("arrays.bin")) + " bytes, but the manifest's array"
                + " 'params' (length 1073741824) ends at byte");
    }

    @Test
    void aForeignFileFallsBack() throws IOException {
        byte[] good = Files.readAllBytes(file("arrays.bin"));
        byte[] foreign = new byte[good.length];
        new java.util.Random(3).nextBytes(foreign);
        overwrite("arrays.bin", foreign);
        assertFallsBack(NEWEST + "/arrays.bin: array 'params' CRC32C mismatch");
        overwrite("arrays.bin", good);
        overwrite("manifest.json", "\u0089PNG\r\n\u001a\n some image".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertFallsBack(NEWEST + "/manifest.json: not JSON, so not a Lockstep checkpoint manifest");
        overwrite("manifest.json", "{\"format\": \"something-else\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertFallsBack(NEWEST + "/manifest.json: not a Lockstep checkpoint manifest");
    }

    @Test
    void withHadoopsOwnChecksumsADamagedFileAlsoFallsBack() throws IOException {
        Path arrays = file("arrays.bin");
        byte[] damaged = Files.readAllBytes(arrays);
        damaged[damaged.length / 2] ^= 0x01;
        Files.write(arrays, damaged); // the .crc side file stays: Hadoop's ChecksumFileSystem notices first
        Optional<TrainingCheckpoint> c = store.latest(warnings::add);
        assertEquals(10, c.orElseThrow().nextStep());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("skipping checkpoint " + NEWEST + ": cannot be read: Checksum error"),
                warnings.get(0));
    }

    @Test
    void whenNoCheckpointIsLeftTheStoreSaysSoInOneLine() throws IOException {
        overwrite("arrays.bin", new byte[12]);
        Path older = dir.resolve("ckpt-000000000010");
        Files.write(older.resolve("manifest.json"), "[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.deleteIfExists(older.resolve(".manifest.json.crc"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.latest(warnings::add));
        assertEquals("no usable checkpoint in " + store.location() + " (2 failed verification; the newest: " + NEWEST
                + "/arrays.bin: 12 bytes, but the manifest's array 'params' (length " + checkpoint(0, 0).params().length
                + ") ends at byte " + 4 * checkpoint(0, 0).params().length + ")", e.getMessage());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(1).startsWith("skipping checkpoint ckpt-000000000010/manifest.json: not a Lockstep"
                + " checkpoint manifest"), warnings.get(1));
        assertTrue(warnings.get(1).endsWith("; no older checkpoint left"), warnings.get(1));
    }

    @Test
    void aJavaSerializedCheckpointIsNeverDeserialized() throws IOException {
        Path legacy = dir.resolve("ckpt-000000000030");
        Files.createDirectories(legacy);
        Files.write(legacy.resolve("state.bin"), serialized(new Trap()));
        Files.write(legacy.resolve("_COMPLETE"), new byte[0]);
        assertEquals(20, store.latest(warnings::add).orElseThrow().nextStep());
        assertEquals(List.of("skipping checkpoint ckpt-000000000030/state.bin: unsupported checkpoint format (written by"
                + " an older Lockstep; its Java-serialized state.bin is never read): resume with the version that wrote"
                + " it, or start a new run; trying the previous one"), warnings);
        // the same object where the manifest and the arrays belong
        overwrite("manifest.json", serialized(new Trap()));
        overwrite("arrays.bin", serialized(new Trap()));
        Files.delete(dir.resolve("ckpt-000000000010").resolve("manifest.json"));
        Files.write(dir.resolve("ckpt-000000000010").resolve("state.bin"), serialized(new Trap()));
        CheckpointException e = assertThrows(CheckpointException.class, store::latest);
        assertTrue(e.getMessage().contains("ckpt-000000000030/state.bin: unsupported checkpoint format (written by an"
                + " older Lockstep"), e.getMessage());
        assertFalse(Trap.deserialized, "no Java object was ever deserialized");
    }

    @Test
    void keepsTheNewestKCheckpoints() throws IOException {
        HadoopCheckpointStore one = new HadoopCheckpointStore(tmp.resolve("one").toUri().toString(), new Configuration(), 1);
        HadoopCheckpointStore three = new HadoopCheckpointStore(tmp.resolve("three").toUri().toString(),
                new Configuration(), 3);
        for (long step = 1; step <= 5; step++) {
            one.save(checkpoint(step, step));
            three.save(checkpoint(step, step));
        }
        assertEquals(List.of("ckpt-000000000005"), folders(tmp.resolve("one")));
        assertEquals(List.of("ckpt-000000000003", "ckpt-000000000004", "ckpt-000000000005"), folders(tmp.resolve("three")));
        assertEquals(List.of("ckpt-000000000010", "ckpt-000000000020"), folders(dir), "the default keeps 2");
        assertArrayEquals(checkpoint(5, 5).params(), three.latest().orElseThrow().params());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HadoopCheckpointStore("file:/x", new Configuration(), 0));
        assertEquals("keepCheckpoints must be at least 1 (got 0)", e.getMessage());
    }

    // ---------------------------------------------------------------------------------- helpers

    /** The newest checkpoint is skipped with one warning line starting with {@code message}; the previous is used. */
    private void assertFallsBack(String message) throws IOException {
        warnings.clear();
        TrainingCheckpoint c = store.latest(warnings::add).orElseThrow();
        assertEquals(10, c.nextStep());
        assertArrayEquals(checkpoint(10, 1f).params(), c.params());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("skipping checkpoint " + message), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("; trying the previous one"), warnings.get(0));
        assertFalse(warnings.get(0).contains("\n"), warnings.get(0));
    }

    private Path file(String name) {
        return dir.resolve(NEWEST).resolve(name);
    }

    private JsonNode manifest() throws IOException {
        return JSON.readTree(file("manifest.json").toFile());
    }

    /** Replaces a file of the newest checkpoint and removes Hadoop's checksum side file. */
    private void overwrite(String name, byte[] content) throws IOException {
        Files.write(file(name), content);
        Files.deleteIfExists(file("." + name + ".crc"));
    }

    private static List<String> folders(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ckpt-")).sorted().toList();
        }
    }

    /** Sets a flag if Java deserialization ever reaches it. */
    static final class Trap implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean deserialized;

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    private static byte[] serialized(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        byte[] b = bytes.toByteArray();
        assertTrue(b.length > 4 && (b[0] & 0xff) == 0xac && (b[1] & 0xff) == 0xed, "a Java serialization stream");
        return b;
    }

    /** Adam state, best parameters and a last good state with its own optimizer state: 7 arrays of 3,000. */
    private static TrainingCheckpoint checkpoint(long step, float value) {
        float[] a = new float[3000];
        Arrays.fill(a, value);
        ParameterUpdate.Snapshot opt = ParameterUpdate.Snapshot.of("adam", new float[][] {a, a}, 0.01);
        DivergenceGuard guard = DivergenceGuard.start(DivergenceConfig.halt()).accept(2.0);
        return new TrainingCheckpoint(step, a, opt, new NoiseScaleEstimator(0.95).state(), guard, 1.0, 0, 1.5, 0, a,
                Map.of("spec", "{}"), new TrainingCheckpoint.LastGood(step - 1, a, opt,
                        new NoiseScaleEstimator(0.95).state(), guard));
    }
}
