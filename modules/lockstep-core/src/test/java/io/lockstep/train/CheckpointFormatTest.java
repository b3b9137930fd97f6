package io.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.config.DivergenceConfig;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.optim.ParameterUpdate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CheckpointFormat}: every field survives write → read bit for bit, the array file is plain
 * little-endian float32 at the manifest's offsets, and each kind of damage is refused in one line
 * naming the file and what failed.
 */
class CheckpointFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int N = 40_000; // more than one 16k-float chunk per array

    /** Written bytes: manifest and array file. */
    private record Files(byte[] manifest, byte[] arrays) {
        TrainingCheckpoint read() throws IOException {
            return CheckpointFormat.read(manifest, arrays.length, new ByteArrayInputStream(arrays));
        }

        JsonNode tree() throws IOException {
            return JSON.readTree(manifest);
        }

        Files withManifest(JsonNode tree) throws IOException {
            return new Files(JSON.writeValueAsBytes(tree), arrays);
        }
    }

    @Test
    void everyFieldSurvivesBitForBit() throws IOException {
        TrainingCheckpoint c = full();
        TrainingCheckpoint back = write(c).read();
        assertEquals(c.nextStep(), back.nextStep());
        assertArrayEquals(c.params(), back.params());
        assertSnapshot(c.optimizer(), back.optimizer());
        assertEquals(c.noise(), back.noise());
        assertGuard(c.guard(), back.guard());
        assertEquals(Double.doubleToRawLongBits(c.lrFactor()), Double.doubleToRawLongBits(back.lrFactor()));
        assertEquals(c.rollbacks(), back.rollbacks());
        assertEquals(Double.doubleToRawLongBits(c.bestLoss()), Double.doubleToRawLongBits(back.bestLoss()));
        assertEquals(c.sinceBest(), back.sinceBest());
        assertArrayEquals(c.bestParams(), back.bestParams());
        assertEquals(c.metadata(), back.metadata());
        assertEquals(c.lastGood().step(), back.lastGood().step());
        assertArrayEquals(c.lastGood().params(), back.lastGood().params());
        assertSnapshot(c.lastGood().optimizer(), back.lastGood().optimizer());
        assertEquals(c.lastGood().noise(), back.lastGood().noise());
        assertGuard(c.lastGood().guard(), back.lastGood().guard());
        assertEquals(c.adaScale(), back.adaScale(), "AdaScale's tau and averages, bit for bit");
        assertEquals(c.lastGood().adaScale(), back.lastGood().adaScale());
        assertEquals(c.batchHistory(), back.batchHistory(), "an adaptive run's batch sizes");
    }

    @Test
    void absentOptionalPartsStayAbsent() throws IOException {
        TrainingCheckpoint c = full();
        TrainingCheckpoint bare = new TrainingCheckpoint(3, c.params(), c.optimizer(), c.noise(), c.guard(), 1.0, 0,
                Double.POSITIVE_INFINITY, 0, null, Map.of());
        TrainingCheckpoint back = write(bare).read();
        assertNull(back.bestParams());
        assertNull(back.lastGood());
        assertNull(back.adaScale());
        assertNull(back.batchHistory());
        assertEquals(Double.POSITIVE_INFINITY, back.bestLoss());
        TrainingCheckpoint halfGood = new TrainingCheckpoint(3, c.params(), c.optimizer(), c.noise(), c.guard(), 1.0, 0,
                1.5, 0, null, Map.of(), new TrainingCheckpoint.LastGood(2, c.params(), null, null, c.guard()));
        TrainingCheckpoint back2 = write(halfGood).read();
        assertNull(back2.lastGood().optimizer());
        assertNull(back2.lastGood().noise());
    }

    @Test
    void arraysAreRawLittleEndianFloatsAtTheManifestsOffsets() throws IOException {
        TrainingCheckpoint c = full();
        Files f = write(c);
        JsonNode params = entry(f.tree(), "params");
        ByteBuffer b = ByteBuffer.wrap(f.arrays()).order(ByteOrder.LITTLE_ENDIAN);
        int offset = params.get("offset").intValue();
        assertEquals(N, params.get("length").intValue());
        assertEquals("float32", params.get("dtype").textValue());
        for (int i : new int[] {0, 1, N / 2, N - 1}) {
            assertEquals(Float.floatToRawIntBits(c.params()[i]), Float.floatToRawIntBits(b.getFloat(offset + 4 * i)));
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(f.arrays(), offset, 4 * N);
        assertEquals(String.format("%08x", (int) crc.getValue()), params.get("crc32c").textValue());
        assertEquals(2, f.tree().get("version").intValue());
        assertEquals("lockstep-checkpoint", f.tree().get("format").textValue());
    }

    @Test
    void oneFlippedBitInAnyArrayIsACrcMismatchNamingTheArray() throws IOException {
        Files f = write(full());
        int arrays = 0;
        for (JsonNode e : f.tree().get("arrays")) {
            long middle = e.get("offset").longValue() + 4L * e.get("length").longValue() / 2;
            byte[] damaged = f.arrays().clone();
            damaged[(int) middle] ^= 0x10;
            CheckpointException ex = assertThrows(CheckpointException.class, () -> new Files(f.manifest(), damaged).read());
            assertTrue(ex.getMessage().startsWith("arrays.bin: array '" + e.get("name").textValue() + "' CRC32C mismatch"),
                    ex.getMessage());
            assertOneLine(ex);
            arrays++;
        }
        assertEquals(7, arrays, "params, 2 Adam moments, best params, last good params and its 2 moments");
    }

    @Test
    void aTruncatedArrayFileIsRefusedBeforeReading() throws IOException {
        Files f = write(full());
        byte[] cut = Arrays.copyOf(f.arrays(), f.arrays().length - 7);
        CheckpointException ex = assertThrows(CheckpointException.class, () -> new Files(f.manifest(), cut).read());
        assertTrue(ex.getMessage().startsWith("arrays.bin: " + cut.length + " bytes, but the manifest's array"),
                ex.getMessage());
        // the file shrinks after its size was taken: the read itself notices
        CheckpointException late = assertThrows(CheckpointException.class, () -> CheckpointFormat.read(f.manifest(),
                f.arrays().length, new ByteArrayInputStream(cut)));
        assertTrue(late.getMessage().startsWith("arrays.bin: ends at byte"), late.getMessage());
        byte[] longer = Arrays.copyOf(f.arrays(), f.arrays().length + 4);
        CheckpointException more = assertThrows(CheckpointException.class, () -> new Files(f.manifest(), longer).read());
        assertTrue(more.getMessage().contains("the manifest describes " + f.arrays().length), more.getMessage());
    }

    @Test
    void aManifestThatLiesAboutALengthIsRefusedWithoutAllocatingIt() throws IOException {
        Files f = write(full());
        ObjectNode tree = (ObjectNode) f.tree();
        ((ObjectNode) entry(tree, "params")).put("length", Integer.MAX_VALUE); // 8 GB on a ~1 MB file
        CheckpointException huge = assertThrows(CheckpointException.class, () -> f.withManifest(tree).read());
        assertEquals("arrays.bin: " + f.arrays().length + " bytes, but the manifest's array 'params' (length "
                + Integer.MAX_VALUE + ") ends at byte " + 4L * Integer.MAX_VALUE, huge.getMessage());

        ObjectNode shorter = (ObjectNode) f.tree();
        ((ObjectNode) entry(shorter, "params")).put("length", N - 1);
        CheckpointException off = assertThrows(CheckpointException.class, () -> f.withManifest(shorter).read());
        assertTrue(off.getMessage().startsWith("manifest.json: array 'optimizer.state.0' has offset"), off.getMessage());

        ObjectNode negative = (ObjectNode) f.tree();
        ((ObjectNode) entry(negative, "bestParams")).put("length", -4);
        CheckpointException neg = assertThrows(CheckpointException.class, () -> f.withManifest(negative).read());
        assertTrue(neg.getMessage().startsWith("manifest.json: array 'bestParams' has length -4"), neg.getMessage());
    }

    @Test
    void aForeignOrSerializedFileIsNeverReadAsACheckpoint() throws IOException {
        Files f = write(full());
        for (byte[] foreign : new byte[][] {serialized(new Trap()), "<html>hello</html>".getBytes(StandardCharsets.UTF_8),
                "{\"some\": \"other json\"}".getBytes(StandardCharsets.UTF_8), new byte[0]}) {
            CheckpointException ex = assertThrows(CheckpointException.class, () -> new Files(foreign, f.arrays()).read());
            assertTrue(ex.getMessage().startsWith("manifest.json: not "), ex.getMessage());
            assertOneLine(ex);
        }
        ObjectNode future = (ObjectNode) f.tree();
        future.put("version", 3);
        CheckpointException v = assertThrows(CheckpointException.class, () -> f.withManifest(future).read());
        assertEquals("manifest.json: checkpoint format version 3 is not supported (this Lockstep reads version 2)",
                v.getMessage());
        assertFalse(Trap.deserialized, "nothing was Java-deserialized");
    }

    @Test
    void aBadScalarOrAnUnknownArrayIsNamed() throws IOException {
        Files f = write(full());
        ObjectNode tree = (ObjectNode) f.tree();
        ((ObjectNode) tree.get("guard")).put("smoothed", "a lot");
        CheckpointException ex = assertThrows(CheckpointException.class, () -> f.withManifest(tree).read());
        assertEquals("manifest.json: field 'guard.smoothed' is missing or not a number", ex.getMessage());

        ObjectNode renamed = (ObjectNode) f.tree();
        ((ObjectNode) entry(renamed, "bestParams")).put("name", "worstParams");
        CheckpointException unknown = assertThrows(CheckpointException.class, () -> f.withManifest(renamed).read());
        assertEquals("manifest.json: array 'worstParams' is not part of a checkpoint", unknown.getMessage());

        ObjectNode decay = (ObjectNode) f.tree();
        ((ObjectNode) decay.get("noise")).put("emaDecay", 1.5);
        CheckpointException invalid = assertThrows(CheckpointException.class, () -> f.withManifest(decay).read());
        assertTrue(invalid.getMessage().startsWith("manifest.json: invalid checkpoint state: emaDecay"), invalid.getMessage());
    }

    @Test
    void anOversizedManifestIsNotRead() {
        byte[] big = new byte[CheckpointFormat.MAX_MANIFEST_BYTES + 10];
        CheckpointException ex = assertThrows(CheckpointException.class,
                () -> CheckpointFormat.readManifest(new ByteArrayInputStream(big)));
        assertTrue(ex.getMessage().startsWith("manifest.json: larger than"), ex.getMessage());
    }

    // ---------------------------------------------------------------------------------- fixtures

    /** Sets a flag if Java deserialization ever reaches it. */
    static final class Trap implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean deserialized;

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    static byte[] serialized(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** Every optional part present, odd doubles (NaN, -0.0, subnormal, ±∞) in the scalars. */
    private static TrainingCheckpoint full() {
        Random rnd = new Random(5);
        float[] params = floats(rnd);
        ParameterUpdate.Snapshot opt = ParameterUpdate.Snapshot.of("adam", new float[][] {floats(rnd), floats(rnd)}, 0.1 / 3);
        ParameterUpdate.Snapshot oldOpt = ParameterUpdate.Snapshot.of("adam", new float[][] {floats(rnd), floats(rnd)},
                Double.NaN);
        NoiseScaleEstimator.State noise = new NoiseScaleEstimator.State(0.99, 17, 1.0 / 7, Double.MIN_VALUE);
        DivergenceGuard guard = DivergenceGuard.start(DivergenceConfig.halt()).accept(2.5).accept(-0.0);
        DivergenceGuard fresh = DivergenceGuard.of(Double.POSITIVE_INFINITY, Double.NaN, Double.NaN,
                Double.POSITIVE_INFINITY);
        return new TrainingCheckpoint(20, params, opt, noise, guard, 0.1 * 0.1, 2, 0.123456789012345678, 1, floats(rnd),
                Map.of("run", "runs/a", "spec", "{\n  \"train\" : {\"lr\" : 0.1}\n}"),
                new TrainingCheckpoint.LastGood(19, floats(rnd), oldOpt, new NoiseScaleEstimator.State(0.9, 0, 0, -0.0),
                        fresh, new io.lockstep.adaptive.AdaScale.State(32, 17.25, 1.0 / 3, Double.MIN_VALUE, 0.5)),
                new io.lockstep.adaptive.AdaScale.State(32, 18.0 + 1.0 / 7, 2.0 / 3, 1e-300, 1 - 1e-16),
                java.util.List.of(new io.lockstep.adaptive.AdaptiveBatchPlan.Segment(0, 5, 32),
                        new io.lockstep.adaptive.AdaptiveBatchPlan.Segment(5, 16, 64)));
    }

    private static float[] floats(Random rnd) {
        float[] a = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        a[1] = Float.MIN_VALUE;
        a[2] = -0.0f;
        return a;
    }

    private static Files write(TrainingCheckpoint c) throws IOException {
        ByteArrayOutputStream arrays = new ByteArrayOutputStream();
        byte[] manifest = CheckpointFormat.write(c, arrays);
        return new Files(manifest, arrays.toByteArray());
    }

    private static JsonNode entry(JsonNode manifest, String name) {
        for (JsonNode e : manifest.get("arrays")) {
            if (e.get("name").textValue().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no array " + name);
    }

    private static void assertSnapshot(ParameterUpdate.Snapshot a, ParameterUpdate.Snapshot b) {
        assertEquals(a.optimizerName(), b.optimizerName());
        assertEquals(Double.doubleToRawLongBits(a.previousLr()), Double.doubleToRawLongBits(b.previousLr()));
        assertEquals(a.optimizerState().length, b.optimizerState().length);
        for (int i = 0; i < a.optimizerState().length; i++) {
            assertArrayEquals(a.optimizerState()[i], b.optimizerState()[i]);
        }
    }

    private static void assertGuard(DivergenceGuard a, DivergenceGuard b) {
        double[] x = {a.lossFactor(), a.firstLoss(), a.smoothed(), a.minSmoothed()};
        double[] y = {b.lossFactor(), b.firstLoss(), b.smoothed(), b.minSmoothed()};
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), "guard field " + i);
        }
    }

    private static void assertOneLine(Exception e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
