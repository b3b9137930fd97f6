package io.lockstep.spark;

import static com.holdenkarau.spark.testing.JavaRDDComparisons.assertRDDEquals;
import static com.holdenkarau.spark.testing.JavaRDDComparisons.assertRDDEqualsWithOrder;
import static com.holdenkarau.spark.testing.JavaRDDComparisons.compareRDD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.DivergenceConfig;
import io.lockstep.config.TrainConfig;
import io.lockstep.data.BatchPlan;
import io.lockstep.data.Dataset;
import io.lockstep.grad.GradientSum;
import io.lockstep.metrics.EvalMetrics;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.Models;
import io.lockstep.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.learning.config.Sgd;
import scala.Tuple2;

/**
 * The cached shards hold exactly the dataset, {@link ShardedDataset#owned} routes every batch example
 * to the partition that owns it, and a step in which some partition holds none of the batch still
 * trains exactly like a single worker.
 */
class ShardedDatasetTest {
    private static JavaSparkContext sc;
    private static Dataset data;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.localContext(4, "sharded-dataset");
        data = Synthetic.blobs(50, 5, 3, 21);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** (global index, (label, feature row)) of every example, rebuilt from the cached shards. */
    private static JavaRDD<Tuple2<Integer, Tuple2<Integer, List<Float>>>> examplesFromShards(ShardedDataset sharded,
                                                                                          int d) {
        return sharded.shards().flatMap(s -> {
            List<Tuple2<Integer, Tuple2<Integer, List<Float>>>> out = new ArrayList<>();
            for (int i = 0; i < s.labels.length; i++) {
                out.add(new Tuple2<>(s.from + i, new Tuple2<>(s.labels[i], row(s.features, i, d))));
            }
            return out.iterator();
        });
    }

    private static List<Float> row(float[] features, int i, int d) {
        List<Float> r = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            r.add(features[i * d + j]);
        }
        return r;
    }

    private static List<Shard> collectShards(ShardedDataset sharded) {
        List<Shard> shards = new ArrayList<>(sharded.shards().collect());
        shards.sort(Comparator.comparingInt(s -> s.index));
        return shards;
    }

    @ParameterizedTest(name = "P={0}")
    @ValueSource(ints = {1, 4, 7})
    void cachedShardsHoldExactlyTheDataset(int partitions) {
        ShardedDataset sharded = ShardedDataset.distribute(sc, data, partitions);
        try {
            assertEquals(partitions, sharded.numPartitions());
            assertEquals(partitions, sharded.shards().getNumPartitions());
            assertEquals(data.size(), sharded.size());
            assertTrue(sharded.shards().getStorageLevel().useMemory(), "shards are cached");

            int d = data.numFeatures();
            List<Tuple2<Integer, Tuple2<Integer, List<Float>>>> examples = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                examples.add(new Tuple2<>(i, new Tuple2<>(data.labels()[i], row(data.features(), i, d))));
            }
            JavaRDD<Tuple2<Integer, Tuple2<Integer, List<Float>>>> expected = sc.parallelize(examples, 2);
            assertRDDEquals(expected, examplesFromShards(sharded, d));
            // Partition p holds the p-th contiguous range, so in partition order the shards read as the dataset.
            assertRDDEqualsWithOrder(expected, examplesFromShards(sharded, d));

            if (partitions == 4) {
                // The comparison is not vacuous: one changed label is detected.
                List<Tuple2<Integer, Tuple2<Integer, List<Float>>>> corrupted = new ArrayList<>(examples);
                int changed = (data.labels()[17] + 1) % data.numClasses();
                corrupted.set(17, new Tuple2<>(17, new Tuple2<>(changed, examples.get(17)._2()._2())));
                assertTrue(compareRDD(sc.parallelize(corrupted, 2), examplesFromShards(sharded, d)).isDefined());
            }

            // Shard p lives in partition p, ranges are contiguous and near-equal in size.
            List<Integer> where = sharded.shards()
                    .mapPartitionsWithIndex((p, it) -> {
                        List<Integer> ok = new ArrayList<>();
                        while (it.hasNext()) {
                            ok.add(it.next().index == p ? 1 : 0);
                        }
                        ok.add(100); // marks one partition visited
                        return ok.iterator();
                    }, true).collect();
            assertEquals(partitions * 101, where.stream().mapToInt(Integer::intValue).sum(),
                    "every partition holds exactly its own shard: " + where);
            int next = 0;
            for (Shard s : collectShards(sharded)) {
                assertEquals(next, s.from);
                next = s.to;
                int size = s.to - s.from;
                assertTrue(size == data.size() / partitions || size == data.size() / partitions + 1, "size " + size);
            }
            assertEquals(data.size(), next);
        } finally {
            sharded.release();
        }
    }

    @Test
    void distributeRejectsImpossiblePartitionCounts() {
        assertThrows(IllegalArgumentException.class, () -> ShardedDataset.distribute(sc, data, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardedDataset.distribute(sc, data, data.size() + 1));
        assertTrue(e.getMessage().contains(String.valueOf(data.size() + 1)), e.getMessage());
    }

    @Test
    void splitRoutesEachBatchExampleToItsOwnerWithLocalRows() {
        ShardedDataset sharded = ShardedDataset.distribute(sc, data, 4);
        try {
            List<Shard> shards = collectShards(sharded);
            BatchPlan plan = new BatchPlan(data.size(), 20, 3);
            for (long step = 0; step < 6; step++) {
                int[] batch = plan.batch(step);
                int[][] rows = sharded.owned(batch);
                assertEquals(4, rows.length);
                assertEquals(batch.length, Arrays.stream(rows).mapToInt(r -> r.length).sum(), "shares sum to B");
                // Walk the batch in order: each example is the next row of its owner's share.
                int[] cursor = new int[4];
                for (int g : batch) {
                    int p = 0;
                    while (!(shards.get(p).from <= g && g < shards.get(p).to)) {
                        p++;
                    }
                    int local = rows[p][cursor[p]++];
                    Shard s = shards.get(p);
                    assertEquals(g, s.from + local, "step " + step + ": example " + g);
                    assertEquals(data.labels()[g], s.labels[local]);
                    assertArrayEquals(Arrays.copyOfRange(data.features(), g * 5, g * 5 + 5),
                            Arrays.copyOfRange(s.features, local * 5, local * 5 + 5));
                }
                for (int p = 0; p < 4; p++) {
                    assertEquals(rows[p].length, cursor[p], "no extra rows in share " + p);
                }
            }
        } finally {
            sharded.release();
        }
    }

    @Test
    void splitAllowsEmptySharesAndRejectsUnknownExamples() {
        Dataset eight = Synthetic.blobs(8, 3, 2, 5);
        ShardedDataset sharded = ShardedDataset.distribute(sc, eight, 4); // owns [0,2) [2,4) [4,6) [6,8)
        try {
            // B = 2 over 4 partitions (TrainConfig forbids B < P, but split itself must cope).
            assertArrayEquals(new int[][] {{0, 1}, {}, {}, {}}, sharded.owned(new int[] {0, 1}));
            assertArrayEquals(new int[][] {{0}, {}, {}, {1, 0}}, sharded.owned(new int[] {7, 0, 6}));
            assertArrayEquals(new int[][] {{}, {1}, {0}, {}}, sharded.owned(new int[] {3, 4}));
            assertArrayEquals(new int[][] {{}, {}, {}, {}}, sharded.owned(new int[0]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sharded.owned(new int[] {1, 8}));
            assertTrue(e.getMessage().contains("8"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sharded.owned(new int[] {-1}));
        } finally {
            sharded.release();
        }
    }

    @Test
    void workerWithoutExamplesInAStepStillTrainsExactly() {
        Dataset eight = Synthetic.blobs(8, 6, 2, 13);
        int steps = 4;
        int globalBatch = 4;
        int partitions = 4;
        // Partitions own 2 examples each; find a seed whose first steps leave some partition without
        // any example of the batch. Only the batch plan and the fixed ownership decide this.
        long seed = -1;
        long emptyStep = -1;
        int emptyPartition = -1;
        ShardedDataset sharded = ShardedDataset.distribute(sc, eight, partitions);
        ShardedDataset single = ShardedDataset.distribute(sc, eight, 1);
        try {
            search:
            for (long s = 0; s < 50; s++) {
                BatchPlan plan = new BatchPlan(eight.size(), globalBatch, s);
                for (long t = 0; t < steps; t++) {
                    int[][] rows = sharded.owned(plan.batch(t));
                    for (int p = 0; p < partitions; p++) {
                        if (rows[p].length == 0) {
                            seed = s;
                            emptyStep = t;
                            emptyPartition = p;
                            break search;
                        }
                    }
                }
            }
            assertTrue(seed >= 0, "some step must leave a partition without examples");
            System.out.printf("seed %d: partition %d holds none of step %d's examples%n", seed, emptyPartition,
                    emptyStep);

            ModelAdapter model = Models.byName("mlp", eight.numFeatures(), eight.numClasses(), seed);
            BatchPlan plan = new BatchPlan(eight.size(), globalBatch, seed);

            // That partition's task really returns the empty partial for that step.
            int[][] rows = sharded.owned(plan.batch(emptyStep));
            Broadcast<StepInput> input = sc.broadcast(new StepInput(model.initialParams(),
                    io.lockstep.data.GhostBatches.withinShares(rows, globalBatch)));
            List<GradientSum> partials = sharded.shards().mapPartitions(new GradientTask(new PartitionGradient(model, 0, seed), input,
                    emptyStep, FaultInjection.none())).collect()
                    .stream().map(TaskResult::partial).toList();
            input.destroy();
            assertEquals(partitions, partials.size());
            assertTrue(partials.get(emptyPartition).isEmpty(), "partition " + emptyPartition + " had nothing to do");
            assertEquals(globalBatch, partials.stream().mapToLong(GradientSum::count).sum());

            TrainConfig config = TrainConfig.builder().divergence(DivergenceConfig.nonFiniteOnly()).globalBatch(globalBatch).workers(partitions).steps(steps)
                    .lr(0.1).optimizer(OptimizerConfig.sgd()).seed(seed).build();
            SyncTrainer trainer = new SyncTrainer(sc, model, config);
            TrainResult distributed = trainer.fit(sharded, TrainListener.NONE);
            TrainResult local = new SyncTrainer(sc, model, config.withWorkers(1)).fit(single, TrainListener.NONE);
            float[] reference = Dl4jReference.train(model, eight, globalBatch, seed, steps, new Sgd(0.1), 0.0);

            double err = Dl4jReference.relativeError(distributed.params(), local.params());
            System.out.printf("P=4 with an empty share vs P=1: relative error %.3g%n", err);
            assertTrue(err < 1e-5, "P=4 vs P=1 relative error " + err);
            assertTrue(Dl4jReference.relativeError(distributed.params(), reference) < 1e-5, "P=4 vs plain DL4J");
            assertTrue(Dl4jReference.relativeError(model.initialParams(), local.params()) > 1e-4, "training moved");

            // Evaluation over 4 shards (2 examples each) agrees with evaluation over one shard.
            EvalMetrics a = trainer.evaluate("test", sharded, distributed.params(), steps - 1, 0);
            EvalMetrics b = trainer.evaluate("test", single, distributed.params(), steps - 1, 0);
            assertEquals(eight.size(), a.count());
            assertEquals(b.accuracy(), a.accuracy());
            assertEquals(b.loss(), a.loss(), 1e-5 * Math.abs(b.loss()));
        } finally {
            sharded.release();
            single.release();
        }
    }
}
