package io.lockstep.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The on-disk form of a {@link TrainingCheckpoint}, without Java serialization: a JSON manifest
 * ({@value #MANIFEST}: format name and version, the step, the caller's metadata, every scalar of the
 * state, and per array its name, dtype, length, byte offset and CRC32C) plus the arrays as raw
 * little-endian float32 values, back to back, in {@value #ARRAYS}. {@link #read} verifies everything —
 * manifest structure, every length and offset against the real size of the array file, every
 * checksum — before it returns, and allocates nothing larger than the array file it is given.
 * Failures are {@link CheckpointException}s naming the file and what failed.
 */
public final class CheckpointFormat {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";
    /** The array file's name. */
    public static final String ARRAYS = "arrays.bin";
    /** The Java-serialized state file of older Lockstep versions; never read. */
    public static final String LEGACY_STATE = "state.bin";
    /** The format version this class writes and reads. */
    public static final int VERSION = 2;
    /** Largest manifest read (it holds scalars and the run spec, not arrays). */
    public static final int MAX_MANIFEST_BYTES = 16 << 20;
    /** What a folder with only a {@value #LEGACY_STATE} is told. */
    public static final String UNSUPPORTED_LEGACY = "unsupported checkpoint format (written by an older Lockstep;"
            + " its Java-serialized " + LEGACY_STATE + " is never read): resume with the version that wrote it, or"
            + " start a new run";

    static final String KIND = "lockstep-checkpoint";
    private static final String FLOAT32 = "float32";
    private static final int MAX_ARRAYS = 1024;
    private static final int CHUNK_FLOATS = 16_384;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private CheckpointFormat() {}

    /** One array of the manifest's table. */
    record ArrayEntry(String name, int length, long offset, int crc32c) {
        long bytes() {
            return (long) length * Float.BYTES;
        }
    }

    /**
     * Writes the checkpoint's arrays to {@code arrays} and returns the manifest (UTF-8 JSON) that
     * describes them; the caller stores the two as {@value #ARRAYS} and {@value #MANIFEST}.
     */
    public static byte[] write(TrainingCheckpoint checkpoint, OutputStream arrays) throws IOException {
        CheckpointCodec.Encoded enc = CheckpointCodec.encode(checkpoint);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", KIND);
        root.put("version", VERSION);
        root.setAll(enc.fields());
        ArrayNode table = root.putArray("arrays");
        byte[] chunk = new byte[CHUNK_FLOATS * Float.BYTES];
        long offset = 0;
        for (Map.Entry<String, float[]> e : enc.arrays().entrySet()) {
            int crc = writeArray(e.getValue(), arrays, chunk);
            table.addObject().put("name", e.getKey()).put("dtype", FLOAT32).put("length", e.getValue().length)
                    .put("offset", offset).put("crc32c", String.format("%08x", crc));
            offset += (long) e.getValue().length * Float.BYTES;
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * The manifest's bytes from {@code in}.
     *
     * @throws CheckpointException if it is larger than {@link #MAX_MANIFEST_BYTES}
     */
    public static byte[] readManifest(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new CheckpointException(MANIFEST + ": larger than " + MAX_MANIFEST_BYTES
                    + " bytes, not a Lockstep checkpoint manifest");
        }
        return bytes;
    }

    /**
     * Verifies a checkpoint completely and returns it.
     *
     * @param manifest    the manifest's bytes ({@link #readManifest})
     * @param arraysBytes the real size of the array file
     * @param arrays      the array file's content
     * @throws CheckpointException naming {@value #MANIFEST} or {@value #ARRAYS} and what failed
     */
    public static TrainingCheckpoint read(byte[] manifest, long arraysBytes, InputStream arrays) throws IOException {
        JsonNode root = parse(manifest);
        List<ArrayEntry> table = table(root, arraysBytes);
        Map<String, float[]> values = new LinkedHashMap<>();
        byte[] chunk = new byte[CHUNK_FLOATS * Float.BYTES];
        for (ArrayEntry e : table) {
            values.put(e.name(), readArray(e, arrays, arraysBytes, chunk));
        }
        if (arrays.read() != -1) {
            throw new CheckpointException(ARRAYS + ": longer than the " + arraysBytes + " bytes it had when opened");
        }
        try {
            return CheckpointCodec.decode(root, values);
        } catch (CheckpointException e) {
            throw e.inFile(MANIFEST);
        }
    }

    // ------------------------------------------------------------------------------------ manifest

    private static JsonNode parse(byte[] manifest) throws CheckpointException {
        JsonNode root;
        try {
            root = JSON.readTree(manifest);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new CheckpointException(MANIFEST + ": not JSON, so not a Lockstep checkpoint manifest ("
                    + firstLine(why) + ")");
        }
        if (root == null || !root.isObject() || !KIND.equals(root.path("format").textValue())) {
            throw new CheckpointException(MANIFEST + ": not a Lockstep checkpoint manifest (no \"format\": \""
                    + KIND + "\")");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new CheckpointException(MANIFEST + ": checkpoint format version " + version
                    + " is not supported (this Lockstep reads version " + VERSION + ")");
        }
        return root;
    }

    /** The array table, checked against the real size of the array file: nothing is allocated yet. */
    private static List<ArrayEntry> table(JsonNode root, long arraysBytes) throws CheckpointException {
        JsonNode list = root.get("arrays");
        if (list == null || !list.isArray() || list.size() > MAX_ARRAYS) {
            throw new CheckpointException(MANIFEST + ": field 'arrays' is missing or not a list of at most "
                    + MAX_ARRAYS + " arrays");
        }
        List<ArrayEntry> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long end = 0;
        for (JsonNode n : list) {
            ArrayEntry e = entry(n, end);
            if (!names.add(e.name())) {
                throw new CheckpointException(MANIFEST + ": array '" + e.name() + "' is listed twice");
            }
            end += e.bytes();
            if (end > arraysBytes) {
                throw new CheckpointException(ARRAYS + ": " + arraysBytes + " bytes, but the manifest's array '"
                        + e.name() + "' (length " + e.length() + ") ends at byte " + end);
            }
            out.add(e);
        }
        if (end != arraysBytes) {
            throw new CheckpointException(ARRAYS + ": " + arraysBytes + " bytes, the manifest describes " + end);
        }
        return out;
    }

    private static ArrayEntry entry(JsonNode n, long expectedOffset) throws CheckpointException {
        String name = n.path("name").textValue();
        if (name == null || name.isEmpty()) {
            throw new CheckpointException(MANIFEST + ": an entry of 'arrays' has no name");
        }
        String what = MANIFEST + ": array '" + name + "' ";
        if (!FLOAT32.equals(n.path("dtype").textValue())) {
            throw new CheckpointException(what + "has dtype " + n.get("dtype") + " (expected \"" + FLOAT32 + "\")");
        }
        JsonNode length = n.get("length");
        if (length == null || !length.isIntegralNumber() || !length.canConvertToInt() || length.intValue() < 0) {
            throw new CheckpointException(what + "has length " + length + " (expected an int >= 0)");
        }
        JsonNode offset = n.get("offset");
        if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong()
                || offset.longValue() != expectedOffset) {
            throw new CheckpointException(what + "has offset " + offset + ", expected " + expectedOffset
                    + " (arrays are stored back to back)");
        }
        String crc = n.path("crc32c").textValue();
        if (crc == null || !crc.matches("[0-9a-f]{8}")) {
            throw new CheckpointException(what + "has no CRC32C (8 hex digits)");
        }
        return new ArrayEntry(name, length.intValue(), expectedOffset, Integer.parseUnsignedInt(crc, 16));
    }

    // -------------------------------------------------------------------------------------- arrays

    private static int writeArray(float[] a, OutputStream out, byte[] chunk) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < a.length; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, a.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(a, from, n);
            crc.update(chunk, 0, n * Float.BYTES);
            out.write(chunk, 0, n * Float.BYTES);
        }
        return (int) crc.getValue();
    }

    private static float[] readArray(ArrayEntry e, InputStream in, long arraysBytes, byte[] chunk) throws IOException {
        float[] a = new float[e.length()]; // e.bytes() <= arraysBytes, the real file size (checked by table)
        CRC32C crc = new CRC32C();
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < a.length; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, a.length - from);
            int got = in.readNBytes(chunk, 0, n * Float.BYTES);
            if (got < n * Float.BYTES) {
                throw new CheckpointException(ARRAYS + ": ends at byte " + (e.offset() + (long) from * Float.BYTES + got)
                        + ", inside array '" + e.name() + "' (expected " + arraysBytes + " bytes)");
            }
            crc.update(chunk, 0, got);
            bytes.clear();
            bytes.asFloatBuffer().get(a, from, n);
        }
        if ((int) crc.getValue() != e.crc32c()) {
            throw new CheckpointException(String.format("%s: array '%s' CRC32C mismatch (manifest %08x, data %08x)",
                    ARRAYS, e.name(), e.crc32c(), (int) crc.getValue()));
        }
        return a;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
