package io.lockstep.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads datasets stored in the IDX format used by MNIST and Fashion-MNIST.
 *
 * <p>An IDX file starts with a 4-byte magic number {@code 00 00 TT DD} (data type {@code TT},
 * number of dimensions {@code DD}), then {@code DD} big-endian 32-bit sizes, then the data.
 * Only the unsigned-byte type ({@code 0x08}) is supported. Files may be plain or gzip-compressed;
 * compression is detected from the content (bytes {@code 1f 8b}), not from the file name.
 *
 * <p>Every problem is reported as a {@link DataException} whose one-line message names the file.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (n × rows × cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (n labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int BUFFER = 1 << 16;
    private static final int CHUNK = 1 << 20;

    private IdxReader() {}

    /**
     * Reads an image file and its label file into a dataset with features scaled to {@code [0, 1]}.
     *
     * @param images     IDX image file: {@code n × d1 × ... × dk} unsigned bytes, {@code k >= 1}
     * @param labels     IDX label file: {@code n} unsigned bytes
     * @param numClasses number of classes; every label must be below it
     * @return a dataset named after the image file, with {@code d1 * ... * dk} features per example
     * @throws DataException if a file is missing, malformed, truncated, or the two files disagree
     */
    public static Dataset read(Path images, Path labels, int numClasses) {
        Idx img = readIdx(images, true);
        Idx lab = readIdx(labels, false);
        if (img.count != lab.count) {
            throw new DataException(images + " has " + img.count + " images but " + labels + " has "
                    + lab.count + " labels: count mismatch");
        }
        int[] y = new int[lab.count];
        for (int i = 0; i < y.length; i++) {
            int v = lab.data[i] & 0xFF;
            if (v >= numClasses) {
                throw new DataException(labels + ": label " + v + " at example " + i
                        + " is out of range for numClasses " + numClasses);
            }
            y[i] = v;
        }
        return new Dataset(images.getFileName().toString(), img.scaled, y, img.perExample, numClasses);
    }

    /**
     * Unlabelled images (e.g. to be scored): {@code count} rows of {@code numFeatures} values in {@code [0, 1]}.
     *
     * @param name     the image file's name
     * @param features row-major {@code count × numFeatures} values
     */
    public record Images(String name, float[] features, int count, int numFeatures) {}

    /**
     * Reads an image file alone, features scaled to {@code [0, 1]} as {@link #read} scales them.
     *
     * @throws DataException if the file is missing, malformed or truncated
     */
    public static Images readImages(Path images) {
        Idx img = readIdx(images, true);
        return new Images(images.getFileName().toString(), img.scaled, img.count, img.perExample);
    }

    /**
     * Parsed IDX content: {@code count} examples of {@code perExample} values each, either raw
     * ({@code data}, label files) or already scaled to [0, 1] ({@code scaled}, image files).
     */
    private record Idx(int count, int perExample, byte[] data, float[] scaled) {}

    private static Idx readIdx(Path path, boolean images) {
        if (!Files.exists(path)) {
            throw new DataException(path + ": file not found");
        }
        if (Files.isDirectory(path)) {
            throw new DataException(path + ": is a directory, expected an IDX file");
        }
        boolean gzip = isGzip(path);
        try (InputStream in = open(path, gzip)) {
            byte[] head = new byte[4];
            int got = readUpTo(in, head);
            if (got == 0) {
                throw new DataException(path + ": file is empty");
            }
            if (got < 4) {
                throw new DataException(path + ": truncated header: expected 4 bytes of magic number, "
                        + got + " available");
            }
            int magic = ((head[0] & 0xFF) << 24) | ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8)
                    | (head[3] & 0xFF);
            int expected = images ? IMAGES_MAGIC : LABELS_MAGIC;
            int type = head[2] & 0xFF;
            int ndims = head[3] & 0xFF;
            if (head[0] != 0 || head[1] != 0 || (images ? ndims < 2 : ndims != 1)) {
                throw new DataException(path + ": wrong magic number: expected " + hex(expected)
                        + " (IDX " + (images ? "image" : "label") + " file) but found " + hex(magic));
            }
            if (type != UNSIGNED_BYTE) {
                throw new DataException(path + ": unsupported IDX data type " + typeName(type)
                        + "; only 0x08 (unsigned byte) is supported");
            }
            byte[] dimBytes = new byte[4 * ndims];
            got = readUpTo(in, dimBytes);
            if (got < dimBytes.length) {
                throw new DataException(path + ": truncated header: expected " + dimBytes.length
                        + " bytes of dimension sizes, " + got + " available");
            }
            long[] dims = new long[ndims];
            for (int i = 0; i < ndims; i++) {
                dims[i] = ((dimBytes[4 * i] & 0xFFL) << 24) | ((dimBytes[4 * i + 1] & 0xFFL) << 16)
                        | ((dimBytes[4 * i + 2] & 0xFFL) << 8) | (dimBytes[4 * i + 3] & 0xFFL);
            }
            long count = dims[0];
            long per = 1;
            for (int i = 1; i < ndims; i++) {
                if (dims[i] == 0) {
                    throw new DataException(path + ": dimension " + i + " has size 0");
                }
                per *= dims[i];
                if (per > Integer.MAX_VALUE) {
                    break;
                }
            }
            long total = count * per;
            if (count > Integer.MAX_VALUE || per > Integer.MAX_VALUE || total > Integer.MAX_VALUE - 8) {
                throw new DataException(path + ": too large to load (" + count + " examples of " + per
                        + " values)");
            }
            long header = 4L + 4L * ndims;
            if (!gzip && Files.size(path) - header < total) {
                throw truncated(path, count, total, per, Files.size(path) - header);
            }
            // Images are scaled chunk by chunk straight into the float[]: no full-size byte[] copy. The header is
            // not trusted with memory: a plain file was checked against its size above, but a gzip stream's length
            // is known only once it is read, so there the arrays grow with the data actually decompressed.
            int initial = (int) (gzip ? Math.min(total, CHUNK) : total);
            byte[] buf = new byte[(int) Math.min(total, CHUNK)];
            float[] scaled = images ? new float[initial] : null;
            byte[] raw = images ? null : new byte[initial];
            long done = 0;
            while (done < total) {
                int want = (int) Math.min(buf.length, total - done);
                got = readUpTo(in, buf, want);
                if (images) {
                    scaled = grown(scaled, done + got, total);
                    for (int i = 0, o = (int) done; i < got; i++, o++) {
                        scaled[o] = (buf[i] & 0xFF) / 255f;
                    }
                } else {
                    raw = grown(raw, done + got, total);
                    System.arraycopy(buf, 0, raw, (int) done, got);
                }
                done += got;
                if (got < want) {
                    throw truncated(path, count, total, per, done);
                }
            }
            return new Idx((int) count, (int) per, raw, scaled);
        } catch (NoSuchFileException e) {
            throw new DataException(path + ": file not found", e);
        } catch (IOException e) {
            throw new DataException(path + ": cannot read: " + e, e);
        }
    }

    private static DataException truncated(Path path, long count, long total, long per, long available) {
        return new DataException(path + ": truncated: header declares " + count + " examples (" + total
                + " data bytes) but only " + available + " bytes (" + (available / per)
                + " complete examples) are available");
    }

    /** {@code a} if it holds {@code need} values, else a copy at least twice as long, at most {@code max}. */
    private static float[] grown(float[] a, long need, long max) {
        return need <= a.length ? a : Arrays.copyOf(a, (int) Math.min(max, Math.max(need, 2L * a.length)));
    }

    /** {@code a} if it holds {@code need} values, else a copy at least twice as long, at most {@code max}. */
    private static byte[] grown(byte[] a, long need, long max) {
        return need <= a.length ? a : Arrays.copyOf(a, (int) Math.min(max, Math.max(need, 2L * a.length)));
    }

    /** True if the file starts with the gzip magic bytes {@code 1f 8b}. */
    private static boolean isGzip(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            return false; // reported when the file is opened for reading
        }
    }

    private static InputStream open(Path path, boolean gzip) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(path), BUFFER);
        return gzip ? new GZIPInputStream(in, BUFFER) : in;
    }

    /** Reads until {@code buf} is full or the stream ends; returns the number of bytes read. */
    private static int readUpTo(InputStream in, byte[] buf) throws IOException {
        return readUpTo(in, buf, buf.length);
    }

    /** Reads until {@code len} bytes are in {@code buf} or the stream ends; returns the count read. */
    private static int readUpTo(InputStream in, byte[] buf, int len) throws IOException {
        int off = 0;
        try {
            while (off < len) {
                int r = in.read(buf, off, len - off);
                if (r < 0) {
                    break;
                }
                off += r;
            }
        } catch (EOFException e) {
            // a gzip stream cut short: report it as truncation with the bytes recovered so far
        }
        return off;
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    private static String typeName(int type) {
        String name = switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
        return String.format("0x%02X (%s)", type, name);
    }
}
