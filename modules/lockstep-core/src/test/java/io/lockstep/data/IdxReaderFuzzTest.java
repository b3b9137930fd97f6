package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockstep.fuzz.FuzzContract;
import io.lockstep.fuzz.ScratchFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Fuzz targets of {@link IdxReader}: any image/label file pair, plain or gzip (intact, truncated, with a flipped
 * byte or trailing garbage), ends in a dataset or a one-line {@link DataException} naming a file — never another
 * exception or an allocation sized by the header. The inputs under {@code IdxReaderFuzzTestInputs/<method>/}
 * replay in every test run; {@code JAZZER_FUZZ=1} fuzzes (docs/FUZZING.md).
 *
 * <p>Input layout (missing bytes read as 0): {@code plain}: class count K (1 byte), label file length L
 * (2 bytes, big-endian), L bytes of label file, the rest is the image file. {@code gzip}: K, damage mode (1 byte:
 * bit 0 set = damage the image file, else the label file; bits 1-2: 0 intact, 1 truncate, 2 flip a byte,
 * 3 append a byte), damage position (2 bytes), then L and the two files as for {@code plain}, each gzipped.
 */
class IdxReaderFuzzTest {
    private static final ScratchFiles FILES = new ScratchFiles("idx-fuzz");

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void plain(byte[] input) {
        ByteBuffer in = padded(input, 3);
        int k = in.get() & 0xFF;
        byte[][] files = split(in);
        check(FILES.write("labels-idx1-ubyte", files[0]), FILES.write("images-idx3-ubyte", files[1]), k);
    }

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void gzip(byte[] input) {
        ByteBuffer in = padded(input, 6);
        int k = in.get() & 0xFF;
        int mode = in.get() & 0xFF;
        int pos = in.getShort() & 0xFFFF;
        byte[][] files = split(in);
        byte[] labels = gzipped(files[0]);
        byte[] images = gzipped(files[1]);
        if ((mode & 1) == 0) {
            labels = damaged(labels, mode >> 1 & 3, pos);
        } else {
            images = damaged(images, mode >> 1 & 3, pos);
        }
        check(FILES.write("labels-idx1-ubyte.gz", labels), FILES.write("images-idx3-ubyte.gz", images), k);
    }

    private static void check(Path labels, Path images, int k) {
        List<String> both = List.of(labels.toString(), images.toString());
        Dataset d = FuzzContract.check(DataException.class, both, () -> IdxReader.read(images, labels, k));
        if (d != null) {
            assertTrue(d.numClasses() == k && Arrays.stream(d.labels()).allMatch(y -> y >= 0 && y < k));
            assertInUnitRange(d.features());
        }
        IdxReader.Images img = FuzzContract.check(DataException.class, List.of(images.toString()),
                () -> IdxReader.readImages(images));
        if (img != null) {
            assertEquals((long) img.count() * img.numFeatures(), img.features().length);
            assertInUnitRange(img.features());
        }
    }

    private static void assertInUnitRange(float[] values) {
        for (float v : values) {
            assertTrue(v >= 0 && v <= 1, "feature " + v + " outside [0, 1]");
        }
    }

    /** {@code input} with at least {@code min} bytes (zeros appended). */
    private static ByteBuffer padded(byte[] input, int min) {
        return ByteBuffer.wrap(input.length >= min ? input : Arrays.copyOf(input, min));
    }

    /** {label file, image file} from the rest of {@code in}: a 2-byte length, then the label file. */
    private static byte[][] split(ByteBuffer in) {
        int len = Math.min(in.getShort() & 0xFFFF, in.remaining());
        byte[] labels = new byte[len];
        in.get(labels);
        byte[] images = new byte[in.remaining()];
        in.get(images);
        return new byte[][] {labels, images};
    }

    private static byte[] gzipped(byte[] content) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bos)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    private static byte[] damaged(byte[] gz, int how, int pos) {
        int at = pos % gz.length;
        return switch (how) {
            case 1 -> Arrays.copyOf(gz, at);
            case 2 -> {
                byte[] flipped = gz.clone();
                flipped[at] ^= (byte) (1 + pos / gz.length % 255);
                yield flipped;
            }
            case 3 -> {
                byte[] longer = Arrays.copyOf(gz, gz.length + 1);
                longer[gz.length] = (byte) pos;
                yield longer;
            }
            default -> gz;
        };
    }
}
