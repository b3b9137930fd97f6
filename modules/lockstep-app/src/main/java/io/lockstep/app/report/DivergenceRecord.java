package io.lockstep.app.report;

/** One {@code {"type":"divergence"}} line of metrics.jsonl: a diverged step and what the guard did. */
record DivergenceRecord(long step, double loss, double lr, String reason, String action) {}
