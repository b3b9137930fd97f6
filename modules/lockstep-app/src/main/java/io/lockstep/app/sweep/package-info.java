/**
 * {@code lockstep sweep SPEC}: a YAML spec (base options, a grid, explicit runs, stop criteria) is
 * expanded into named {@code lockstep train} runs, validated as a whole, run one after another in one
 * Spark context, recorded in a resumable sweep directory and summarised in summary.csv and
 * summary.parquet.
 */
package io.lockstep.app.sweep;
