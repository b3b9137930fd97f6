package io.lockstep.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/** Counts the step channel's Spark jobs (description "lockstep step channel ...") while it is open. */
public final class StepChannelJobs extends SparkListener implements AutoCloseable {
    private final SparkContext sc;
    private final AtomicInteger count = new AtomicInteger();

    public StepChannelJobs(SparkContext sc) {
        this.sc = sc;
        sc.addSparkListener(this);
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        if (d != null && d.startsWith("lockstep step channel")) {
            count.incrementAndGet();
        }
    }

    /** The channel jobs started since the last call, once the listener bus has delivered every event so far. */
    public int take() throws java.util.concurrent.TimeoutException {
        sc.listenerBus().waitUntilEmpty();
        return count.getAndSet(0);
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
