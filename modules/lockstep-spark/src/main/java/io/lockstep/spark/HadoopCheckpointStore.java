package io.lockstep.spark;

import io.lockstep.train.CheckpointStore;
import io.lockstep.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints on any Hadoop FileSystem ({@code file://}, {@code hdfs://}, {@code s3a://} with the
 * S3A connector configured). Layout: {@code DIR/ckpt-<step>/state.bin} plus an empty
 * {@code _COMPLETE} marker. A save writes into {@code DIR/_tmp-ckpt-<step>-<uuid>/}, writes the
 * marker last, renames the folder into place and only then deletes older checkpoints, so an
 * interrupted save leaves the previous checkpoint as the newest complete one. On stores where rename
 * is a copy (S3), the marker still guarantees that only complete checkpoints are read.
 */
public final class HadoopCheckpointStore implements CheckpointStore {
    static final String STATE = "state.bin";
    static final String COMPLETE = "_COMPLETE";
    private static final String PREFIX = "ckpt-";

    private final Path dir;
    private final Configuration conf;

    public HadoopCheckpointStore(String uri, Configuration hadoopConf) {
        this.dir = new Path(uri);
        this.conf = hadoopConf;
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
        try (OutputStream out = fs.create(new Path(tmp, STATE), false)) {
            out.write(checkpoint.toBytes());
        }
        fs.create(new Path(tmp, COMPLETE), false).close();
        Path target = new Path(dir, name);
        if (fs.exists(target)) {
            fs.delete(target, true);
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("could not move checkpoint " + tmp + " to " + target);
        }
        for (Path old : complete(fs)) {
            if (old.getName().compareTo(name) < 0) {
                fs.delete(old, true);
            }
        }
    }

    @Override
    public Optional<TrainingCheckpoint> latest() throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            return Optional.empty();
        }
        List<Path> all = complete(fs);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Path newest = all.get(all.size() - 1);
        try (InputStream in = fs.open(new Path(newest, STATE))) {
            return Optional.of(TrainingCheckpoint.fromBytes(in.readAllBytes()));
        } catch (IOException e) {
            throw new IOException(newest + ": " + e.getMessage(), e);
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
}
