package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** IDX bytes: magic 00 00 type ndims, big-endian dims, then data. */
    private static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt((type << 8) | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bos.toByteArray();
    }

    private static byte[] images(int n, int rows, int cols) throws IOException {
        byte[] data = new byte[n * rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37);
        }
        return idx(0x08, new int[] {n, rows, cols}, data);
    }

    private static byte[] labels(int... values) throws IOException {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return idx(0x08, new int[] {values.length}, data);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private Path writeGzip(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
        return p;
    }

    private static void assertMessage(DataException e, Path file, String... keywords) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.contains(file.getFileName().toString()), "names " + file + ": " + m);
        for (String k : keywords) {
            assertTrue(m.contains(k), "contains '" + k + "': " + m);
        }
    }

    @Test
    void readsPlainFiles() throws IOException {
        Path img = write("imgs-idx3", images(3, 2, 2));
        Path lab = write("labs-idx1", labels(0, 9, 4));
        Dataset d = IdxReader.read(img, lab, 10);
        assertEquals("imgs-idx3", d.name());
        assertEquals(3, d.size());
        assertEquals(4, d.numFeatures());
        assertEquals(10, d.numClasses());
        assertArrayEquals(new int[] {0, 9, 4}, d.labels());
        for (int i = 0; i < 12; i++) {
            assertEquals(((i * 37) & 0xFF) / 255f, d.features()[i], 0f);
        }
        for (float f : d.features()) {
            assertTrue(f >= 0f && f <= 1f);
        }
    }

    @Test
    void readsExtremePixelValues() throws IOException {
        Path img = write("i", idx(0x08, new int[] {1, 1, 2}, new byte[] {0, (byte) 255}));
        Path lab = write("l", labels(1));
        assertArrayEquals(new float[] {0f, 1f}, IdxReader.read(img, lab, 2).features(), 0f);
    }

    @Test
    void gzipGivesSameResultRegardlessOfExtension() throws IOException {
        Dataset plain = IdxReader.read(write("a", images(5, 3, 4)), write("b", labels(1, 2, 3, 4, 5)), 10);
        // no .gz suffix: detection is by content
        Dataset gz = IdxReader.read(writeGzip("c", images(5, 3, 4)), writeGzip("d.gz", labels(1, 2, 3, 4, 5)), 10);
        assertArrayEquals(plain.features(), gz.features(), 0f);
        assertArrayEquals(plain.labels(), gz.labels());
        assertEquals(plain.numFeatures(), gz.numFeatures());
    }

    @Test
    void acceptsGenericImageDimensions() throws IOException {
        Path two = write("two", idx(0x08, new int[] {2, 5}, new byte[10]));
        assertEquals(5, IdxReader.read(two, write("l2", labels(0, 1)), 2).numFeatures());
        Path four = write("four", idx(0x08, new int[] {2, 2, 3, 4}, new byte[48]));
        assertEquals(24, IdxReader.read(four, write("l4", labels(0, 1)), 2).numFeatures());
    }

    @Test
    void missingFile() throws IOException {
        Path lab = write("labels", labels(0));
        Path img = dir.resolve("nope-images");
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), img, "file not found");
        Path img2 = write("images", images(1, 2, 2));
        Path lab2 = dir.resolve("nope-labels");
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img2, lab2, 10)), lab2,
                "file not found");
    }

    @Test
    void emptyFile() throws IOException {
        Path img = write("empty-images", new byte[0]);
        Path lab = write("labels", labels(0));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), img, "empty");
    }

    @Test
    void wrongMagic() throws IOException {
        Path lab = write("labels", labels(0));
        // label file passed as images
        Path img = write("swapped", labels(0));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), img,
                "magic", "expected 0x00000803", "found 0x00000801");
        // garbage
        Path junk = write("junk.txt", "hello world".getBytes());
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(write("i", images(1, 1, 1)), junk, 10)),
                junk, "magic", "expected 0x00000801", "found 0x68656C6C");
    }

    @Test
    void unsupportedDataType() throws IOException {
        Path img = write("floats", idx(0x0D, new int[] {1, 1, 1}, new byte[4]));
        Path lab = write("labels", labels(0));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), img,
                "data type", "0x0D", "float");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] full = images(4, 2, 2);
        Path img = write("short-images", Arrays.copyOf(full, full.length - 5));
        Path lab = write("labels", labels(0, 1, 2, 3));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), img,
                "truncated", "4 examples", "16 data bytes", "11 bytes", "2 complete examples");
    }

    @Test
    void truncatedGzip() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(images(50, 4, 4));
        }
        byte[] gz = bos.toByteArray();
        Path img = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        Path lab = write("labels", labels(new int[50]));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), img);
    }

    /** Fuzz finding: the gzip path allocated what the header declared (8 GiB here) before reading any data. */
    @Test
    void gzipHeaderDeclaringHugeCountIsTruncatedNotAllocated() throws IOException {
        Path img = writeGzip("huge.gz", idx(0x08, new int[] {0x7FFFFFF0, 1, 1}, new byte[] {1, 2}));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.readImages(img)), img,
                "truncated", "2147483632 examples", "only 2 bytes");
        Path labGz = writeGzip("huge-labels.gz", idx(0x08, new int[] {0x7FFFFFF0}, new byte[] {1, 2, 3}));
        Path small = write("small", images(1, 1, 1));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(small, labGz, 10)), labGz,
                "truncated", "only 3 bytes");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path img = write("header-only", Arrays.copyOf(images(1, 2, 2), 9));
        Path lab = write("labels", labels(0));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), img,
                "truncated", "expected 12 bytes", "5 available");
    }

    @Test
    void countMismatch() throws IOException {
        Path img = write("three-images", images(3, 2, 2));
        Path lab = write("two-labels", labels(0, 1));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10));
        assertMessage(e, img, "mismatch", "3 images", "2 labels");
        assertMessage(e, lab);
    }

    @Test
    void labelOutOfRange() throws IOException {
        Path img = write("images", images(3, 2, 2));
        Path lab = write("bad-labels", labels(0, 1, 12));
        assertMessage(assertThrows(DataException.class, () -> IdxReader.read(img, lab, 10)), lab,
                "label 12", "example 2", "numClasses 10");
    }
}
