/**
 * {@code lockstep report}: one self-contained HTML page (charts embedded as PNG data URIs) for a training run
 * directory or a sweep directory. Readers turn {@code metrics.jsonl}, {@code run.json} and {@code summary.csv}
 * into typed records, {@code *Charts} classes draw one XChart plot per method, and {@link
 * io.lockstep.app.report.HtmlPage} writes the page.
 */
package io.lockstep.app.report;
