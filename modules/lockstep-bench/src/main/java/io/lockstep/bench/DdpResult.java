package io.lockstep.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Locale;

/**
 * What {@code ddp_bench.py} measured at one global batch B (one JSON object per line on its stdout):
 * PyTorch DDP's step, the same two processes' compute without the all-reduce ({@code no_sync}), and one
 * process's compute on one worker's share. DDP's per-step overhead beyond compute is
 * {@code ddp.medianMs - singleHalf.medianMs}.
 *
 * @param globalBatch      B
 * @param worldSize        DDP processes (2)
 * @param torch            PyTorch version
 * @param optimizer        {@code adam} or {@code nesterov}
 * @param halfBatch        one worker's share, ⌈B/2⌉ rows: the batch of {@code singleHalf}
 * @param ddp              DistributedDataParallel steps (the slower rank's time per step)
 * @param pair             the same processes and steps under {@code no_sync()}: concurrent compute, no all-reduce
 * @param singleHalf       one process, one thread, {@code halfBatch} rows per step
 * @param overheadMs       median DDP step - median single-process step at {@code halfBatch}
 * @param overheadVsPairMs median DDP step - median {@code pair} step
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record DdpResult(int globalBatch, int worldSize, String torch, String optimizer, int halfBatch, Stats ddp, Stats pair,
                 Stats singleHalf, double overheadMs, double overheadVsPairMs) {

    /**
     * One measurement's step times in ms, over {@code iterations} measured steps.
     *
     * @param cpuPerWall CPU seconds of all its processes over the measured steps / their wall time
     * @param finalLoss  mean training loss of the last step
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stats(double medianMs, double minMs, double maxMs, int iterations, double cpuPerWall, int processes,
                 double finalLoss) {}

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .build();

    /** Parses one output line; throws naming the script and the problem (e.g. a missing field). */
    static DdpResult parse(String line) {
        try {
            return JSON.readValue(line, DdpResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(DdpBench.SCRIPT + " output: " + e.getOriginalMessage()
                    + " in line: " + abbreviate(line));
        }
    }

    /** DDP's row of the side tables: B per median step. */
    SideResult sideResult() {
        return new SideResult(ddp.medianMs, ddp.minMs, ddp.maxMs, 1000.0 * globalBatch / ddp.medianMs,
                ddp.iterations, globalBatch, ddp.cpuPerWall, -1, ddp.finalLoss);
    }

    /**
     * The table that puts DDP's per-step overhead beyond compute next to Lockstep's fixed overhead
     * (Lockstep's column from {@code lockstep}, matched by B; "-" where Lockstep did not run).
     */
    static String format(List<DdpResult> rows, List<Breakdown> lockstep) {
        TextTable t = new TextTable(List.of("B", "DDP step", "1 proc B/2", "2 procs no sync", "DDP overhead",
                "DDP overhead vs no sync", "Lockstep overhead"));
        for (DdpResult r : rows) {
            String ours = lockstep.stream().filter(b -> b.globalBatch() == r.globalBatch).findFirst()
                    .map(b -> ms(b.overhead())).orElse("-");
            t.row(List.of(String.valueOf(r.globalBatch), ms(r.ddp.medianMs), ms(r.singleHalf.medianMs),
                    ms(r.pair.medianMs), ms(r.overheadMs), ms(r.overheadVsPairMs), ours));
        }
        DdpResult first = rows.get(0);
        return String.format(Locale.ROOT, "PyTorch %s DDP (%d processes x 1 thread, Gloo on 127.0.0.1, %s), median ms "
                + "per step: DDP overhead = DDP step - 1 process on B/2;%nvs no sync = DDP step - the same 2 processes "
                + "without all-reduce; Lockstep overhead = step - slowest task (breakdown above)%n", first.torch,
                first.worldSize, first.optimizer) + t;
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
