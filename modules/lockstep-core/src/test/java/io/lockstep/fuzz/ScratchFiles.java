package io.lockstep.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One scratch directory per fuzz test class, its files overwritten by every input (a fuzz loop runs millions of
 * inputs: no per-input directories). Deleted when the JVM exits.
 */
public final class ScratchFiles {
    private final Path dir;

    public ScratchFiles(String prefix) {
        try {
            dir = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dir.toFile().deleteOnExit();
    }

    /** {@code name} in the scratch directory holding exactly {@code content}. */
    public Path write(String name, byte[] content) {
        Path p = dir.resolve(name);
        try {
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        p.toFile().deleteOnExit();
        return p;
    }
}
