package io.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockstep.fuzz.FuzzContract;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target of the checkpoint reader ({@link CheckpointFormat#read}, what a resume trusts): any manifest and
 * array file end in a verified {@link TrainingCheckpoint} or a one-line {@link CheckpointException} naming
 * {@value CheckpointFormat#MANIFEST} or {@value CheckpointFormat#ARRAYS} — never another exception, an allocation
 * sized by a manifest that lies about a length, or a deserialized object (Jazzer's deserialization detector is on
 * while fuzzing). A checkpoint that reads is written again and must read back to the same bytes.
 *
 * <p>Input layout (missing bytes read as 0): manifest length M (2 bytes, big-endian), M bytes of manifest, the rest
 * is the array file. Inputs: {@code CheckpointFormatFuzzTestInputs/read/}; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/FUZZING.md).
 */
class CheckpointFormatFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void read(byte[] input) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(input.length >= 2 ? input : Arrays.copyOf(input, 2));
        byte[] manifest = new byte[Math.min(in.getShort() & 0xFFFF, in.remaining())];
        in.get(manifest);
        byte[] arrays = new byte[in.remaining()];
        in.get(arrays);
        TrainingCheckpoint c = FuzzContract.check(CheckpointException.class,
                List.of(CheckpointFormat.MANIFEST, CheckpointFormat.ARRAYS),
                () -> CheckpointFormat.read(manifest, arrays.length, new ByteArrayInputStream(arrays)));
        if (c != null) {
            byte[][] once = written(c);
            byte[][] twice = written(CheckpointFormat.read(once[0], once[1].length, new ByteArrayInputStream(once[1])));
            assertArrayEquals(once[0], twice[0], "manifest after write, read, write");
            assertArrayEquals(once[1], twice[1], "array file after write, read, write");
        }
    }

    /** {manifest, array file} of {@code c}. */
    private static byte[][] written(TrainingCheckpoint c) {
        ByteArrayOutputStream arrays = new ByteArrayOutputStream();
        try {
            byte[] manifest = CheckpointFormat.write(c, arrays);
            return new byte[][] {manifest, arrays.toByteArray()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
