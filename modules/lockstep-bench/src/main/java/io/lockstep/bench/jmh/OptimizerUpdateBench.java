package io.lockstep.bench.jmh;

import io.lockstep.model.ModelAdapter;
import io.lockstep.optim.OptimizerConfig;
import io.lockstep.optim.OptimizerType;
import io.lockstep.optim.ParameterUpdate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The driver's optimizer step over the MLP's 269,322 parameters: {@link ParameterUpdate#applySum}
 * (divide the gradient sum by B, the update rule, {@code w -= update}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OptimizerUpdateBench {
    @Param({"adam", "nesterov"})
    public String optimizer;

    private ParameterUpdate update;
    private float[] params;
    private float[] gradientSum;
    private long iteration;

    @Setup
    public void setUp() {
        ModelAdapter model = MlpFixture.model();
        OptimizerType type = OptimizerType.valueOf(optimizer.toUpperCase(Locale.ROOT));
        update = new ParameterUpdate(OptimizerConfig.of(type), model.layout());
        params = model.initialParams();
        gradientSum = MlpFixture.randomFloats(params.length, 100f, 7);
    }

    @Benchmark
    public float[] applySum() {
        update.applySum(params, gradientSum, 1024, 1e-6, iteration++);
        return params;
    }
}
