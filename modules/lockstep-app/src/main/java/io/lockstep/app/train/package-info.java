/** {@code lockstep train}: option parsing, data loading, run directory (run.json, metrics.jsonl, model.zip). */
package io.lockstep.app.train;
