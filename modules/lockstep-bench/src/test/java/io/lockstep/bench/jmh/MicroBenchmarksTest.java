package io.lockstep.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.grad.GradientSum;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

/** Each benchmark method called once, outside JMH: it runs and computes what it claims to. */
class MicroBenchmarksTest {
    @Test
    void driverMergeIsTheMeanOfThePartials() {
        GradientMergeBench b = new GradientMergeBench();
        b.partials = 2;
        b.setUp();
        float[] mean = b.driverMergeAndMean();
        float[] p0 = MlpFixture.randomFloats(mean.length, 1f, 0);
        float[] p1 = MlpFixture.randomFloats(mean.length, 1f, 1);
        assertEquals(269_322, mean.length);
        assertEquals((float) (((double) p0[7] + p1[7]) / 1024), mean[7], 1e-7);
    }

    @Test
    void workerPlusAccumulates() {
        GradientMergeBench b = new GradientMergeBench();
        b.partials = 1;
        b.setUp();
        GradientSum once = b.workerPlus();
        GradientSum twice = b.workerPlus();
        assertEquals(512 * 3, twice.count());
        assertEquals(2, once.parts());
    }

    @Test
    void optimizerUpdateChangesTheParameters() {
        for (String opt : new String[] {"adam", "nesterov"}) {
            OptimizerUpdateBench b = new OptimizerUpdateBench();
            b.optimizer = opt;
            b.setUp();
            float[] before = b.applySum().clone();
            float[] after = b.applySum();
            assertFalse(Arrays.equals(before, after), opt);
        }
    }

    @Test
    void gradientComputeCountsItsRows() {
        GradientComputeBench.Worker w = new GradientComputeBench.Worker();
        w.rows = 64;
        w.setUp();
        GradientSum g = new GradientComputeBench().gradientSum(w);
        assertEquals(64, g.count());
        assertEquals(269_322, g.gradientSum().length);
    }

    /** Every DL4J-side setting computes the same model: the same initial loss (float32 ones exactly up to sums). */
    @Test
    void plainDl4jKnobsComputeTheSameLoss() {
        double reference = plainScore("default");
        for (String knob : new String[] {"ws-none", "no-helpers", "no-periodic-gc", "loss-layer", "double"}) {
            assertEquals(reference, plainScore(knob), 1e-5 * reference, knob);
        }
    }

    private static double plainScore(String knob) {
        GradientComputeBench.Plain p = new GradientComputeBench.Plain();
        p.rows = 32;
        p.knob = knob;
        p.setUp();
        return new GradientComputeBench().dl4jGradient(p);
    }

    @Test
    void modelComputeRunsEveryBuiltInModelAtItsBatch() {
        for (String model : new String[] {"mlp", "lenet", "resnet"}) {
            ModelComputeBench b = new ModelComputeBench();
            b.model = model;
            b.setUp();
            assertEquals(ModelComputeBench.rowsOf(model), b.gradientSum().count(), model);
        }
    }

    @Test
    void shortDefaultsUnlessGiven() throws Exception {
        Options d = JmhMain.withDefaults(new CommandLineOptions()).build();
        assertEquals(1, d.getForkCount().get());
        assertEquals(2, d.getWarmupIterations().get());
        assertEquals(3, d.getMeasurementIterations().get());
        assertTrue(d.getIncludes().contains(JmhMain.ALL));
        Options given = JmhMain.withDefaults(new CommandLineOptions("-f", "2", "-i", "7", "GradientMerge")).build();
        assertEquals(2, given.getForkCount().get());
        assertEquals(7, given.getMeasurementIterations().get());
        assertEquals(2, given.getWarmupIterations().get());
        assertTrue(given.getIncludes().contains("GradientMerge"));
        assertFalse(given.getIncludes().contains(JmhMain.ALL));
    }
}
