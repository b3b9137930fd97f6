package io.lockstep.app.report;

/** One {@code {"type":"eval"}} line of metrics.jsonl: an evaluation of the train, validation or test set. */
record EvalRecord(String set, long step, int epoch, double loss, double accuracy, long count) {}
