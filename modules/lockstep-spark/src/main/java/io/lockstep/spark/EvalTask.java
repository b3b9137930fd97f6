package io.lockstep.spark;

import io.lockstep.grad.EvalSum;
import io.lockstep.model.ModelAdapter;
import io.lockstep.model.WorkerPool;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/** Executor side of an evaluation: loss sum, correct count and count over the rows a shard evaluates. */
final class EvalTask implements FlatMapFunction<Iterator<Shard>, EvalSum> {
    private static final long serialVersionUID = 1L;
    private static final int CHUNK = 1000;

    private final ModelAdapter model;
    private final Broadcast<float[]> params;

    EvalTask(ModelAdapter model, Broadcast<float[]> params) {
        this.model = model;
        this.params = params;
    }

    @Override
    public Iterator<EvalSum> call(Iterator<Shard> shards) {
        io.lockstep.model.BlasThreads.onePerTask();
        EvalSum total = EvalSum.empty();
        while (shards.hasNext()) {
            Shard shard = shards.next();
            EvalSum part = WorkerPool.withWorker(model,
                    w -> w.evaluate(params.value(), shard.features, shard.labels, shard.evalFrom(), shard.evalTo(), CHUNK));
            total = total.merge(part);
        }
        return List.of(total).iterator();
    }
}
