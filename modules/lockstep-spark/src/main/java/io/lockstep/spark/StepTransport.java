package io.lockstep.spark;

import io.lockstep.data.StepShare;

/**
 * How the driver hands one step's input to the partitions and gets their partials back. Whatever the
 * transport, every partition computes {@link PartitionGradient} on the same (parameters, share, step), and the
 * results come back indexed by partition, so the driver's merge in partition order — and the step — do not
 * depend on it. One transport serves one {@code fit} and is closed at its end.
 */
interface StepTransport extends AutoCloseable {

    /**
     * Sends the step's parameters and each partition's share, and returns every partition's result.
     *
     * @param step   the step number (seeds the passes' random streams)
     * @param params the parameters (not modified, not kept after the call)
     * @param shares partition p's share of the global batch at index p
     * @param label  a short description for the Spark UI, e.g. {@code "B=256, P=2"}
     * @return the results, valid until the next call (a transport may reuse their arrays)
     */
    StepExchange exchange(long step, float[] params, StepShare[] shares, String label);

    /** Frees the task slots this transport holds, before the driver runs other Spark jobs (evaluations). */
    void pause();

    /** Releases everything (jobs, servers, threads); also after a failure or an interrupt. */
    @Override
    void close();

    /**
     * What one exchange returned.
     *
     * @param results         partition p's result at index p
     * @param sendMillis      preparing and sending the step's input (the job transport: creating the broadcast)
     * @param roundTripMillis from sent to every result received (the job transport: the Spark job)
     */
    record StepExchange(TaskResult[] results, double sendMillis, double roundTripMillis) {}
}
