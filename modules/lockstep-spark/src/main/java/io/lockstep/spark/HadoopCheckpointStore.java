package io.lockstep.spark;

import io.lockstep.run.OutputSpec;
import io.lockstep.train.CheckpointException;
import io.lockstep.train.CheckpointFormat;
import io.lockstep.train.CheckpointStore;
import io.lockstep.train.TrainingCheckpoint;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints on any Hadoop FileSystem ({@code file://}, {@code hdfs://}, {@code s3a://} with the
 * S3A connector configured). Layout: {@code DIR/ckpt-<step>/} holding {@code manifest.json} and
 * {@code arrays.bin} ({@link CheckpointFormat}) plus an empty {@code _COMPLETE} marker. A save writes
 * into {@code DIR/_tmp-ckpt-<step>-<uuid>/}, writes the marker last, renames the folder into place and
 * only then deletes older checkpoints beyond the newest {@code keep}, so an interrupted save leaves the
 * previous checkpoint as the newest complete one. On stores where rename is a copy (S3), the marker
 * still guarantees that only complete checkpoints are read. {@link #latest} verifies a checkpoint
 * completely before returning it and falls back to the previous one when it fails.
 */
public final class HadoopCheckpointStore implements CheckpointStore {
    static final String COMPLETE = "_COMPLETE";
    private static final String PREFIX = "ckpt-";
    private static final Logger LOG = LoggerFactory.getLogger(HadoopCheckpointStore.class);

    private final Path dir;
    private final Configuration conf;
    private final int keep;

    /** A store keeping the {@linkplain OutputSpec#DEFAULT_KEEP_CHECKPOINTS default} number of checkpoints. */
    public HadoopCheckpointStore(String uri, Configuration hadoopConf) {
        this(uri, hadoopConf, OutputSpec.DEFAULT_KEEP_CHECKPOINTS);
    }

    /**
     * @param keep how many of the newest checkpoints a save leaves (at least 1)
     * @throws IllegalArgumentException if {@code keep < 1}
     */
    public HadoopCheckpointStore(String uri, Configuration hadoopConf, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keepCheckpoints must be at least 1 (got " + keep + ")");
        }
        this.dir = new Path(uri);
        this.conf = hadoopConf;
        this.keep = keep;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public void save(TrainingCheckpoint checkpoint) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        String name = String.format("%s%012d", PREFIX, checkpoint.nextStep());
        Path tmp = new Path(dir, "_tmp-" + name + "-" + UUID.randomUUID());
        fs.mkdirs(tmp);
        byte[] manifest;
        try (OutputStream out = new BufferedOutputStream(fs.create(new Path(tmp, CheckpointFormat.ARRAYS), false), 1 << 16)) {
            manifest = CheckpointFormat.write(checkpoint, out);
        }
        try (OutputStream out = fs.create(new Path(tmp, CheckpointFormat.MANIFEST), false)) {
            out.write(manifest);
        }
        fs.create(new Path(tmp, COMPLETE), false).close();
        Path target = new Path(dir, name);
        if (fs.exists(target)) {
            fs.delete(target, true);
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("could not move checkpoint " + tmp + " to " + target);
        }
        prune(fs, name);
    }

    /** Deletes the complete checkpoints before {@code newest} beyond the {@code keep - 1} most recent. */
    private void prune(FileSystem fs, String newest) throws IOException {
        List<Path> older = new ArrayList<>();
        for (Path p : complete(fs)) {
            if (p.getName().compareTo(newest) < 0) {
                older.add(p);
            }
        }
        for (Path old : older.subList(0, Math.max(0, older.size() - (keep - 1)))) {
            fs.delete(old, true);
        }
    }

    /** Like {@link #latest(Consumer)}, logging each skipped checkpoint as a warning. */
    @Override
    public Optional<TrainingCheckpoint> latest() throws IOException {
        return latest(line -> LOG.warn(line));
    }

    /**
     * The newest complete checkpoint that passes verification; each newer one that fails is reported to
     * {@code skipped} in one line naming its file and what failed.
     *
     * @throws CheckpointException if there are complete checkpoints but none passes verification
     */
    public Optional<TrainingCheckpoint> latest(Consumer<String> skipped) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        List<Path> all = complete(fs);
        CheckpointException newestFailure = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(read(fs, all.get(i)));
            } catch (CheckpointException e) {
                newestFailure = newestFailure == null ? e : newestFailure;
                skipped.accept("skipping checkpoint " + e.getMessage()
                        + (i > 0 ? "; trying the previous one" : "; no older checkpoint left"));
            }
        }
        if (newestFailure != null) {
            throw new CheckpointException("no usable checkpoint in " + dir + " (" + all.size() + " failed verification;"
                    + " the newest: " + newestFailure.getMessage() + ")");
        }
        return Optional.empty();
    }

    /** Reads and verifies one checkpoint folder; never opens a Java-serialized file. */
    private static TrainingCheckpoint read(FileSystem fs, Path folder) throws CheckpointException {
        String name = folder.getName();
        Path manifest = new Path(folder, CheckpointFormat.MANIFEST);
        Path arrays = new Path(folder, CheckpointFormat.ARRAYS);
        try {
            if (!fs.exists(manifest)) {
                throw new CheckpointException(fs.exists(new Path(folder, CheckpointFormat.LEGACY_STATE))
                        ? CheckpointFormat.LEGACY_STATE + ": " + CheckpointFormat.UNSUPPORTED_LEGACY
                        : CheckpointFormat.MANIFEST + ": missing");
            }
            byte[] bytes;
            try (InputStream in = fs.open(manifest)) {
                bytes = CheckpointFormat.readManifest(in);
            }
            if (!fs.exists(arrays)) {
                throw new CheckpointException(CheckpointFormat.ARRAYS + ": missing");
            }
            long size = fs.getFileStatus(arrays).getLen();
            try (InputStream in = new BufferedInputStream(fs.open(arrays), 1 << 16)) {
                return CheckpointFormat.read(bytes, size, in);
            }
        } catch (CheckpointException e) {
            throw e.inFolder(name);
        } catch (IOException e) {
            throw new CheckpointException(name + ": cannot be read: " + firstLine(e.getMessage()));
        }
    }

    /** Complete checkpoint folders, oldest first. */
    private List<Path> complete(FileSystem fs) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            Path p = st.getPath();
            if (st.isDirectory() && p.getName().startsWith(PREFIX) && fs.exists(new Path(p, COMPLETE))) {
                out.add(p);
            }
        }
        out.sort((a, b) -> a.getName().compareTo(b.getName()));
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "I/O error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
