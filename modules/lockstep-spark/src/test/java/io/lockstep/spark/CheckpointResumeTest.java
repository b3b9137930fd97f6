package io.lockstep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.Dataset;
import io.lockstep.data.HoldOut;
import io.lockstep.metrics.DivergenceEvent;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.metrics.StepMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.noise.NoiseScaleEstimator;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.optim.ParameterUpdate;
import io.lockstep.schedule.ScheduleConfig;
import io.lockstep.train.CheckpointStore;
import io.lockstep.train.DivergenceGuard;
import io.lockstep.train.TrainingCheckpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint and resume: a run stopped at a checkpoint and continued by a new trainer ends
 * bit-identical to the uninterrupted run, with identical per-step metrics after the resume point
 * (Adam; Nesterov under warmup + cosine, whose momentum correction carries the previous rate; a
 * rollback's reduced learning rate; early-stopping progress and the best parameters). Also the
 * {@link HadoopCheckpointStore} on {@code file://} and on a real {@code hdfs://} MiniDFSCluster:
 * newest-wins, interrupted writes invisible, corrupt files reported with their path; and a diverging
 * run never leaves a NaN checkpoint.
 *
 * <p>A "crash" is a listener that throws at a chosen step: the checkpoint of the step before has
 * been written, the process state is thrown away, and a new {@link SyncTrainer} continues from
 * {@link CheckpointStore#latest()} with the same configuration.
 */
class CheckpointResumeTest {
    private static final long SEED = 7;
    private static final Map<String, String> META = Map.of("config", "{\"test\":true}", "run", "checkpoint-resume");

    private static JavaSparkContext sc;
    private static Dataset data;
    private static ModelAdapter model;
    private static ShardedDataset shards;
    private static MiniDFSCluster dfs;
    /** Uninterrupted runs on the shared training set, by configuration (several tests compare with the same one). */
    private static final Map<TrainConfig, Run> UNINTERRUPTED = new java.util.HashMap<>();

    @TempDir
    static Path dfsBase;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        sc = SparkTestSupport.localContext(2, "checkpoint-resume");
        data = Synthetic.blobs(250, 12, 3, 11);
        model = Models.byName("mlp", data.numFeatures(), data.numClasses(), SEED);
        shards = ShardedDataset.distribute(sc, data, 2);
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dfsBase.resolve("dfs").toString());
        conf.setInt("dfs.heartbeat.interval", 1); // waitActive() waits for the first DataNode heartbeat
        conf.setInt("dfs.namenode.safemode.extension", 0);
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
    }

    @AfterAll
    static void stop() {
        if (dfs != null) {
            dfs.shutdown();
        }
        if (shards != null) {
            shards.release();
        }
        if (sc != null) {
            sc.stop();
        }
    }

    // ----------------------------------------------------------------------------------- resume

    /** Adam, constant rate: 4 steps with a checkpoint at the end, then extended to 8 by a new trainer. */
    @Test
    void adamResumedRunEqualsUninterruptedRun() throws IOException {
        TrainConfig config = adamConfig();
        Run full = uninterrupted(config);

        CheckpointStore store = localStore("adam");
        Run first = Run.of(config.withSteps(4), EvalSets.none(), -1, new Checkpointing(store, 4, null, META));
        assertSameSteps(full.steps.subList(0, 4), first.steps);
        TrainingCheckpoint ckpt = store.latest().orElseThrow();
        assertEquals(4, ckpt.nextStep());
        assertEquals(META, ckpt.metadata());
        assertArrayEquals(first.result.params(), ckpt.params());
        assertNotNull(ckpt.guard());

        Run second = Run.of(config, EvalSets.none(), -1, new Checkpointing(store, 4, ckpt, META));
        assertArrayEquals(full.result.params(), second.result.params(), "resumed Adam run must be bit-identical");
        assertEquals(8, second.result.steps());
        assertEquals(TrainResult.Outcome.COMPLETED, second.result.outcome());
        assertSameSteps(full.steps.subList(4, 8), second.steps);
        assertEquals(8, store.latest().orElseThrow().nextStep(), "the end of the run is checkpointed");
    }

    /**
     * Nesterov under gradual warmup + cosine decay: the rate changes every step, so momentum correction
     * rescales the velocity by lr_t / lr_{t-1} and the checkpoint must carry lr_{t-1}. The first run
     * "crashes" during step 7; the newest checkpoint is the one after 6 steps (every 3).
     */
    @Test
    void nesterovWithWarmupAndCosineResumesBitIdentically() throws IOException {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(10).lr(0.05)
                .optimizer(OptimizerConfig.nesterov())
                .schedule(ScheduleConfig.constant().withDecay(ScheduleConfig.Decay.COSINE)
                        .withWarmup(ScheduleConfig.Warmup.GRADUAL, 3).withWarmupStartLr(0.005))
                .seed(SEED).build();
        Run full = uninterrupted(config);

        CheckpointStore store = localStore("nesterov");
        assertThrows(Crash.class, () -> Run.of(config, EvalSets.none(), 7, new Checkpointing(store, 3, null, META)));
        TrainingCheckpoint ckpt = store.latest().orElseThrow();
        assertEquals(6, ckpt.nextStep());
        assertEquals(full.steps.get(5).stats().lr(), ckpt.optimizer().previousLr(), 0.0,
                "the checkpoint carries the rate of the last step for momentum correction");
        assertTrue(full.steps.get(6).stats().lr() != full.steps.get(5).stats().lr(), "the rate changes at the resume");

        Run resumed = Run.of(config, EvalSets.none(), -1, new Checkpointing(store, 3, ckpt, META));
        assertArrayEquals(full.result.params(), resumed.result.params(), "resumed Nesterov run must be bit-identical");
        assertSameSteps(full.steps.subList(6, 10), resumed.steps);
    }

    /**
     * ROLLBACK: the guard rolls back and shrinks the learning-rate factor before the checkpoint (and
     * again after it). The resumed run must keep the reduced factor and the rollback count, so its
     * rates, events and parameters match the uninterrupted run.
     */
    @Test
    void rollbackFactorSurvivesTheResume() throws IOException {
        TrainConfig config = rollbackConfig();
        Run full = uninterrupted(config);
        System.out.printf("rollback run: %d event(s) %s%n", full.divergences.size(), full.divergences);
        assertEquals(TrainResult.Outcome.COMPLETED, full.result.outcome());
        assertTrue(full.divergences.size() >= 2, "the setup must roll back twice");
        long crashAt = full.divergences.get(0).step() + 2;
        assertTrue(crashAt < full.divergences.get(full.divergences.size() - 1).step(), "a rollback after the resume");

        CheckpointStore store = localStore("rollback");
        assertThrows(Crash.class, () -> Run.of(config, EvalSets.none(), crashAt, new Checkpointing(store, 1, null, META)));
        TrainingCheckpoint ckpt = store.latest().orElseThrow();
        assertEquals(crashAt, ckpt.nextStep());
        assertTrue(ckpt.lrFactor() < 1.0, "lr factor " + ckpt.lrFactor());
        assertTrue(ckpt.rollbacks() >= 1);

        Run resumed = Run.of(config, EvalSets.none(), -1, new Checkpointing(store, 1, ckpt, META));
        assertArrayEquals(full.result.params(), resumed.result.params(), "resumed run after a rollback");
        assertEquals(withoutTimings(full.timelineFrom(crashAt)), withoutTimings(resumed.timeline),
                "steps and divergence events after the resume");
    }

    /**
     * The process dies while computing the step right after a checkpoint, and that step is the one
     * that diverges: after the resume the guard must roll back to the same last good state as the
     * uninterrupted run (the state <i>before</i> the checkpoint's last update, whose update caused the
     * blow-up), not to the checkpoint itself — whose loss would diverge again at any rate.
     */
    @Test
    void resumeJustBeforeADivergedStepRollsBackLikeTheUninterruptedRun() throws IOException {
        TrainConfig config = rollbackConfig();
        Run full = uninterrupted(config);
        DivergenceEvent last = full.divergences.get(full.divergences.size() - 1);

        CheckpointStore store = localStore("rollback-at-resume");
        Run crashing = new Run(-1, last.step());
        assertThrows(Crash.class, () -> crashing.fit(shards, config, EvalSets.none(), new Checkpointing(store, 1, null, META)));
        TrainingCheckpoint ckpt = store.latest().orElseThrow();
        assertEquals(last.step(), ckpt.nextStep(), "the checkpoint written just before the diverged step");

        Run resumed = Run.of(config, EvalSets.none(), -1, new Checkpointing(store, 1, ckpt, META));
        assertEquals(List.of(last), resumed.divergences, "rolls back to step " + last.restoredStep());
        assertEquals(withoutTimings(full.timelineFrom(last)), withoutTimings(resumed.timeline));
        assertEquals(TrainResult.Outcome.COMPLETED, resumed.result.outcome());
        assertArrayEquals(full.result.params(), resumed.result.params());
    }

    /**
     * Early stopping with patience 2 on noisy labels: the run is interrupted at an epoch boundary after
     * at least one evaluation without improvement, so the best loss, the count since the best and the
     * best parameters all have to come back from the checkpoint for the stop to happen at the same
     * epoch with the same best parameters.
     */
    @Test
    void earlyStoppingProgressAndBestParametersSurviveTheResume() throws IOException {
        Dataset noisy = withLabelNoise(Synthetic.blobs(120, 12, 3, 5), 0.3, 1);
        HoldOut split = HoldOut.split(noisy, 0.5, 3);
        ShardedDataset train = ShardedDataset.distribute(sc, split.train(), 2);
        ShardedDataset validation = ShardedDataset.distribute(sc, split.validation(), 2);
        try {
            TrainConfig config = TrainConfig.builder().globalBatch(20).workers(2).epochs(40).lr(0.02)
                    .optimizer(OptimizerConfig.adam()).earlyStoppingPatience(2)
                    .divergence(DivergenceConfig.nonFiniteOnly()).seed(SEED).build();
            int stepsPerEpoch = split.train().size() / 20;
            Run full = Run.of(train, config, evalSets(validation), -1, Checkpointing.none());
            List<Double> losses = full.evals.stream().map(EvalMetrics::loss).toList();
            System.out.printf("early stopping: %d steps/epoch, validation losses %s%n", stepsPerEpoch, losses);
            assertEquals(TrainResult.Outcome.EARLY_STOPPED, full.result.outcome());
            int k = epochsBeforeResume(losses);
            assertTrue(k >= 1 && k < losses.size(), "no resume point in " + losses);

            CheckpointStore store = localStore("early");
            long crashAt = (long) k * stepsPerEpoch;
            assertThrows(Crash.class, () -> Run.of(train, config, evalSets(validation), crashAt,
                    new Checkpointing(store, stepsPerEpoch, null, META)));
            TrainingCheckpoint ckpt = store.latest().orElseThrow();
            assertEquals(crashAt, ckpt.nextStep());
            assertNotNull(ckpt.bestParams());

            Run resumed = Run.of(train, config, evalSets(validation), -1, new Checkpointing(store, stepsPerEpoch, ckpt, META));
            assertEquals(TrainResult.Outcome.EARLY_STOPPED, resumed.result.outcome());
            assertEquals(full.result.steps(), resumed.result.steps());
            assertArrayEquals(full.result.params(), resumed.result.params());
            assertArrayEquals(full.result.bestParams(), resumed.result.bestParams(), "best parameters");
            assertEquals(full.evals.subList(k, full.evals.size()), resumed.evals);
            assertSameSteps(full.steps.subList((int) crashAt, full.steps.size()), resumed.steps);
        } finally {
            train.release();
            validation.release();
        }
    }

    /**
     * A run that blows up (SGD at lr 100, HALT) with a checkpoint after every step: every checkpoint
     * it writes has finite parameters and the newest carries the last good state (the parameters the
     * halted run returns), so resuming from it reproduces the halt. Measured: losses 3.57, 18.7, 13.0,
     * then NaN at step 3 with finite parameters, so the newest checkpoint is the one after 3 updates,
     * whose own parameters are the bad ones and whose last good state is after 2.
     */
    @Test
    void divergingRunNeverCheckpointsBadParameters() throws IOException {
        TrainConfig config = TrainConfig.builder().globalBatch(32).workers(2).steps(10).lr(100)
                .optimizer(OptimizerConfig.sgd()).divergence(DivergenceConfig.halt().withLossFactor(10)).seed(SEED)
                .build();
        RecordingStore store = new RecordingStore(localStore("nan"));
        Run run = Run.of(config, EvalSets.none(), -1, new Checkpointing(store, 1, null, META));
        System.out.printf("diverging run: losses %s, event %s, checkpoints at %s%n",
                run.steps.stream().map(m -> String.format("%.3g", m.loss())).toList(), run.divergences,
                store.saved.stream().map(TrainingCheckpoint::nextStep).toList());
        assertEquals(TrainResult.Outcome.DIVERGED, run.result.outcome());
        assertFalse(store.saved.isEmpty());
        for (TrainingCheckpoint c : store.saved) {
            for (float p : c.params()) {
                assertTrue(Float.isFinite(p), "checkpoint at step " + c.nextStep() + " has a non-finite parameter");
            }
        }
        TrainingCheckpoint latest = store.latest().orElseThrow();
        assertEquals(store.saved.get(store.saved.size() - 1).nextStep(), latest.nextStep());
        if (latest.nextStep() == run.result.steps()) {
            assertArrayEquals(run.result.params(), latest.params(), "the newest checkpoint is the last good state");
        } else {
            assertEquals(run.result.steps() + 1, latest.nextStep());
            assertNotNull(latest.lastGood());
            assertEquals(run.result.steps(), latest.lastGood().step());
            assertArrayEquals(run.result.params(), latest.lastGood().params(), "the newest checkpoint's last good state");
        }

        Run resumed = Run.of(config, EvalSets.none(), -1, new Checkpointing(store, 1, latest, META));
        assertEquals(TrainResult.Outcome.DIVERGED, resumed.result.outcome());
        assertEquals(run.result.steps(), resumed.result.steps());
        assertArrayEquals(run.result.params(), resumed.result.params());
        assertEquals(run.divergences, resumed.divergences);
    }

    // ------------------------------------------------------------------------------------ stores

    @Test
    void localStoreKeepsTheNewestCompleteCheckpoint() throws IOException {
        String uri = tmp.resolve("store").toUri().toString();
        exerciseStore(uri, new Configuration());
    }

    @Test
    void hdfsStoreKeepsTheNewestCompleteCheckpoint() throws IOException {
        exerciseStore(hdfsUri("/lockstep/store"), dfs.getConfiguration(0));
    }

    /** Training with checkpoints on hdfs://, "crashing" during step 5 of 8, resuming from HDFS. */
    @Test
    void trainingCheckpointsToHdfsAndResumesFromIt() throws IOException {
        TrainConfig config = adamConfig();
        Run full = uninterrupted(config);

        String uri = hdfsUri("/lockstep/run-1/checkpoints");
        CheckpointStore store = new HadoopCheckpointStore(uri, sc.hadoopConfiguration());
        assertThrows(Crash.class, () -> Run.of(config, EvalSets.none(), 5, new Checkpointing(store, 2, null, META)));
        FileSystem fs = dfs.getFileSystem();
        assertEquals(List.of("ckpt-000000000002", "ckpt-000000000004"), names(fs, new org.apache.hadoop.fs.Path(uri)));

        CheckpointStore reopened = new HadoopCheckpointStore(uri, sc.hadoopConfiguration());
        TrainingCheckpoint ckpt = reopened.latest().orElseThrow();
        assertEquals(4, ckpt.nextStep());
        Run resumed = Run.of(config, EvalSets.none(), -1, new Checkpointing(reopened, 2, ckpt, META));
        assertArrayEquals(full.result.params(), resumed.result.params(), "resumed from hdfs://");
        assertSameSteps(full.steps.subList(4, 8), resumed.steps);
        assertEquals(8, reopened.latest().orElseThrow().nextStep());
    }

    /**
     * Newest wins and the checkpoints before the newest two go; an interrupted save (a {@code _tmp-}
     * folder with a partial file, or a higher {@code ckpt-} folder without its {@code _COMPLETE} marker)
     * is never read; a damaged newest checkpoint is skipped with a warning naming its file, and when
     * none is left the store says so in one line.
     */
    private static void exerciseStore(String uri, Configuration conf) throws IOException {
        HadoopCheckpointStore store = new HadoopCheckpointStore(uri, conf);
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = dir.getFileSystem(conf);
        assertEquals(Optional.empty(), store.latest(), "no directory yet");
        assertEquals(new org.apache.hadoop.fs.Path(uri).toString(), store.location());

        TrainingCheckpoint ten = checkpoint(10, 2f);
        store.save(checkpoint(5, 1f));
        assertEquals(5, store.latest().orElseThrow().nextStep());
        store.save(ten);
        TrainingCheckpoint latest = store.latest().orElseThrow();
        assertEquals(10, latest.nextStep());
        assertArrayEquals(ten.params(), latest.params());
        assertEquals(META, latest.metadata());
        assertEquals(List.of("ckpt-000000000005", "ckpt-000000000010"), names(fs, dir), "the newest two are kept");
        assertEquals(List.of("_COMPLETE", "arrays.bin", "manifest.json"),
                names(fs, new org.apache.hadoop.fs.Path(dir, "ckpt-000000000010")).stream()
                        .filter(n -> !n.endsWith(".crc")).toList());

        // interrupted saves: a temp folder with half an array file, and a newer folder without the marker
        org.apache.hadoop.fs.Path partialTmp = new org.apache.hadoop.fs.Path(dir, "_tmp-ckpt-000000000015-interrupted");
        write(fs, new org.apache.hadoop.fs.Path(partialTmp, "arrays.bin"), new byte[100]);
        org.apache.hadoop.fs.Path unmarked = new org.apache.hadoop.fs.Path(dir, "ckpt-000000000020");
        java.io.ByteArrayOutputStream arrays = new java.io.ByteArrayOutputStream();
        byte[] manifest = io.lockstep.train.CheckpointFormat.write(checkpoint(20, 4f), arrays);
        write(fs, new org.apache.hadoop.fs.Path(unmarked, "manifest.json"), manifest);
        write(fs, new org.apache.hadoop.fs.Path(unmarked, "arrays.bin"), arrays.toByteArray());
        assertEquals(10, store.latest().orElseThrow().nextStep(), "incomplete checkpoints are invisible");
        assertArrayEquals(ten.params(), store.latest().orElseThrow().params());

        // the next save after the interruption works and wins
        store.save(checkpoint(12, 5f));
        assertEquals(12, store.latest().orElseThrow().nextStep());
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path(dir, "ckpt-000000000005")));
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(dir, "ckpt-000000000010")));
        // re-saving the step of an incomplete folder replaces it
        store.save(checkpoint(20, 6f));
        assertEquals(20, store.latest().orElseThrow().nextStep());
        assertEquals(6f, store.latest().orElseThrow().params()[0]);
        assertEquals(List.of("ckpt-000000000012", "ckpt-000000000020"), names(fs, dir).stream()
                .filter(n -> n.startsWith("ckpt-")).toList());

        // a damaged newest checkpoint: skipped with a warning naming the file, the previous one is used
        write(fs, new org.apache.hadoop.fs.Path(unmarked, "manifest.json"),
                "not a checkpoint at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<String> warnings = new ArrayList<>();
        assertEquals(12, store.latest(warnings::add).orElseThrow().nextStep());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("skipping checkpoint ckpt-000000000020/manifest.json: not JSON"),
                warnings.get(0));
        // and when none is left: one line saying so
        write(fs, new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(dir, "ckpt-000000000012"), "arrays.bin"),
                new byte[16]);
        io.lockstep.train.CheckpointException none = assertThrows(io.lockstep.train.CheckpointException.class,
                store::latest);
        assertTrue(none.getMessage().startsWith("no usable checkpoint in " + dir + " (2 failed verification; the newest:"
                + " ckpt-000000000020/manifest.json: not JSON"), none.getMessage());
    }

    // ----------------------------------------------------------------------------------- helpers

    private static Run uninterrupted(TrainConfig config) {
        return UNINTERRUPTED.computeIfAbsent(config, c -> Run.of(c, EvalSets.none(), -1, Checkpointing.none()));
    }

    /** Adam at a constant rate, 8 steps (the resume tests on file:// and hdfs:// share its uninterrupted run). */
    private static TrainConfig adamConfig() {
        return TrainConfig.builder().globalBatch(32).workers(2).steps(8).lr(1e-2).optimizer(OptimizerConfig.adam())
                .seed(SEED).build();
    }

    private CheckpointStore localStore(String name) {
        return new HadoopCheckpointStore(tmp.resolve(name).toUri().toString(), sc.hadoopConfiguration());
    }

    private static String hdfsUri(String path) {
        return "hdfs://localhost:" + dfs.getNameNodePort() + path;
    }

    private static List<String> names(FileSystem fs, org.apache.hadoop.fs.Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(dir)) {
            out.add(st.getPath().getName());
        }
        out.sort(null);
        return out;
    }

    private static void write(FileSystem fs, org.apache.hadoop.fs.Path file, byte[] content) throws IOException {
        try (OutputStream out = fs.create(file, true)) {
            out.write(content);
        }
    }

    /** A checkpoint with recognizable parameters (all equal to {@code value}). */
    private static TrainingCheckpoint checkpoint(long step, float value) {
        float[] params = new float[model.numParams()];
        Arrays.fill(params, value);
        ParameterUpdate.Snapshot opt = new ParameterUpdate(OptimizerConfig.adam(), model.layout()).snapshot();
        return new TrainingCheckpoint(step, params, opt, new NoiseScaleEstimator(0.95).state(),
                DivergenceGuard.start(DivergenceConfig.halt()), 1.0, 0, Double.POSITIVE_INFINITY, 0, null, META);
    }

    /**
     * SGD, 5 steps at 0.05 (constant warmup), then 2. Measured: the loss blows up (factor 3) at step 1
     * and again at step 7, after the jump; each time one rollback with factor 0.1 recovers.
     */
    private static TrainConfig rollbackConfig() {
        return TrainConfig.builder().globalBatch(32).workers(2).steps(10).lr(2).optimizer(OptimizerConfig.sgd())
                .schedule(ScheduleConfig.constant().withWarmup(ScheduleConfig.Warmup.CONSTANT, 5).withWarmupStartLr(0.05))
                .divergence(new DivergenceConfig(DivergenceConfig.Policy.ROLLBACK, 3, 4, 0.1)).seed(SEED).build();
    }

    /** Evaluations to run before the interruption: after the first one with no improvement (sinceBest ≥ 1). */
    private static int epochsBeforeResume(List<Double> losses) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < losses.size() - 1; i++) {
            if (losses.get(i) < best) {
                best = losses.get(i);
            } else {
                return i + 1;
            }
        }
        return losses.size() - 1;
    }

    private static EvalSets evalSets(ShardedDataset validation) {
        return EvalSets.none().with(EvalSets.VALIDATION, validation);
    }

    private static void assertSameSteps(List<StepMetrics> expected, List<StepMetrics> actual) {
        assertEquals(expected.stream().map(StepMetrics::step).toList(), actual.stream().map(StepMetrics::step).toList(),
                "steps run");
        for (int i = 0; i < expected.size(); i++) {
            StepMetrics e = expected.get(i);
            StepMetrics a = actual.get(i);
            assertEquals(e.epoch(), a.epoch());
            assertEquals(e.examples(), a.examples());
            // loss, lr, gradient norm, clipping, update ratios and the noise estimate; not the timings
            assertEquals(e.stats(), a.stats(), "metrics of step " + e.step());
        }
    }

    /** A timeline with each step reduced to what must be reproducible (no timings). */
    private static List<Object> withoutTimings(List<Object> timeline) {
        return timeline.stream().map(o -> o instanceof StepMetrics m
                ? List.of(m.step(), m.epoch(), m.examples(), m.stats()) : o).toList();
    }

    private static Dataset withLabelNoise(Dataset d, double fraction, long seed) {
        Random rng = new Random(seed);
        int[] labels = d.labels().clone();
        for (int i = 0; i < labels.length; i++) {
            if (rng.nextDouble() < fraction) {
                labels[i] = rng.nextInt(d.numClasses());
            }
        }
        return new Dataset("noisy " + d.name(), d.features(), labels, d.numFeatures(), d.numClasses());
    }

    /** Thrown by the listener to stop a run as a crash would. */
    private static final class Crash extends RuntimeException {
        Crash(long step) {
            super("simulated crash at step " + step, null, false, false);
        }
    }

    /** One run's result and everything its listener saw. */
    private static final class Run implements TrainListener {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<EvalMetrics> evals = new ArrayList<>();
        final List<DivergenceEvent> divergences = new ArrayList<>();
        /** Steps and divergence events in the order they were reported. */
        final List<Object> timeline = new ArrayList<>();
        private final long crashAt;
        private final long crashAtDivergence;
        TrainResult result;

        /** {@code crashAt ≥ 0}: crash when that step reports; {@code crashAtDivergence ≥ 0}: when that step diverges. */
        Run(long crashAt, long crashAtDivergence) {
            this.crashAt = crashAt;
            this.crashAtDivergence = crashAtDivergence;
        }

        static Run of(TrainConfig config, EvalSets evalSets, long crashAt, Checkpointing checkpointing) {
            return of(shards, config, evalSets, crashAt, checkpointing);
        }

        /** Trains with a new trainer; {@code crashAt ≥ 0} throws {@link Crash} when that step reports. */
        static Run of(ShardedDataset train, TrainConfig config, EvalSets evalSets, long crashAt,
                      Checkpointing checkpointing) {
            return new Run(crashAt, -1).fit(train, config, evalSets, checkpointing);
        }

        Run fit(ShardedDataset train, TrainConfig config, EvalSets evalSets, Checkpointing checkpointing) {
            result = new SyncTrainer(sc, model, config).fit(train, evalSets, this, checkpointing);
            return this;
        }

        /** The timeline from the first report of {@code step} on. */
        List<Object> timelineFrom(long step) {
            for (int i = 0; i < timeline.size(); i++) {
                if (timeline.get(i) instanceof StepMetrics m && m.step() == step) {
                    return timeline.subList(i, timeline.size());
                }
            }
            throw new AssertionError("step " + step + " never ran");
        }

        /** The timeline from {@code event} on. */
        List<Object> timelineFrom(DivergenceEvent event) {
            int i = timeline.indexOf(event);
            assertTrue(i >= 0, "no event " + event);
            return timeline.subList(i, timeline.size());
        }

        @Override
        public void onStep(StepMetrics m) {
            if (m.step() == crashAt) {
                throw new Crash(m.step());
            }
            steps.add(m);
            timeline.add(m);
        }

        @Override
        public void onEval(EvalMetrics m) {
            evals.add(m);
        }

        @Override
        public void onDivergence(DivergenceEvent e) {
            if (e.step() == crashAtDivergence) {
                throw new Crash(e.step());
            }
            divergences.add(e);
            timeline.add(e);
        }
    }

    /** Delegates to a real store and remembers every checkpoint written. */
    private static final class RecordingStore implements CheckpointStore {
        final List<TrainingCheckpoint> saved = new ArrayList<>();
        private final CheckpointStore delegate;

        RecordingStore(CheckpointStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void save(TrainingCheckpoint checkpoint) throws IOException {
            saved.add(checkpoint);
            delegate.save(checkpoint);
        }

        @Override
        public Optional<TrainingCheckpoint> latest() throws IOException {
            return delegate.latest();
        }

        @Override
        public String location() {
            return delegate.location();
        }
    }
}
