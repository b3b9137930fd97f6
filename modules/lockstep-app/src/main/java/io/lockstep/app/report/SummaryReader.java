package io.lockstep.app.report;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a sweep's summary.csv into {@link SweepRow}s. The columns {@code run}, {@code status} and
 * {@code global_batch} are required; any other known column may be missing (older or partial sweeps) and reads
 * as empty. Errors name the file, the line and the column.
 */
final class SummaryReader {
    private static final List<String> REQUIRED = List.of("run", "status", "global_batch");
    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

    private final Path file;
    private List<String> header;
    private int line;

    private SummaryReader(Path file) {
        this.file = file;
    }

    /** Reads and validates {@code file}. */
    static List<SweepRow> read(Path file) {
        return new SummaryReader(file).readAll();
    }

    private List<SweepRow> readAll() {
        List<SweepRow> rows = new ArrayList<>();
        try (MappingIterator<List<String>> it = CSV.readerForListOf(String.class).readValues(Files.newBufferedReader(file))) {
            while (it.hasNextValue()) {
                line = it.getCurrentLocation().getLineNr();
                List<String> values = it.nextValue();
                if (header == null) {
                    header = checkHeader(values);
                } else if (!(values.size() == 1 && values.get(0).isBlank())) {
                    rows.add(row(values));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ReportException r) {
                throw r;
            }
            throw new ReportException("cannot read " + file + ": " + Format.firstLine(e.getMessage()), e);
        }
        if (header == null) {
            throw new ReportException(file + ": empty file (expected a header line with " + REQUIRED + ")");
        }
        return rows;
    }

    private List<String> checkHeader(List<String> names) {
        for (String r : REQUIRED) {
            if (!names.contains(r)) {
                throw new ReportException(file + ": missing column '" + r + "' in the header " + names);
            }
        }
        return List.copyOf(names);
    }

    private SweepRow row(List<String> values) {
        if (values.size() != header.size()) {
            throw error(values.size() + " values for " + header.size() + " columns");
        }
        Map<String, String> cells = new LinkedHashMap<>();
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            cells.put(header.get(i), values.get(i).trim());
            if (header.get(i).startsWith("p_")) {
                params.put(header.get(i), values.get(i).trim());
            }
        }
        Cells c = new Cells(cells);
        double batch = c.num("global_batch");
        if (!(batch >= 1) || batch != Math.rint(batch)) {
            throw error("column 'global_batch': expected a positive integer, got '" + cells.get("global_batch") + "'");
        }
        return new SweepRow(c.text("run"), c.text("status"), (int) batch, c.num("lr"), c.text("lr_scaling"),
                c.num("peak_lr"), c.text("warmup"), c.num("warmup_steps"), c.text("optimizer"), c.num("steps"),
                c.num("wall_seconds"), c.num("target_accuracy"), c.bool("reached_target"), c.num("steps_to_target"),
                c.num("examples_to_target"), c.num("best_val_accuracy"), c.num("final_test_accuracy"),
                c.num("final_train_loss"), c.num("peak_loss"), c.bool("diverged"), c.num("diverged_step"),
                c.num("b_simple_last_epoch"), params, cells);
    }

    private ReportException error(String problem) {
        return new ReportException(file + " line " + line + ": " + problem);
    }

    /** Typed access to one row's cells; an absent column reads as empty. */
    private final class Cells {
        private final Map<String, String> cells;

        Cells(Map<String, String> cells) {
            this.cells = cells;
        }

        String text(String column) {
            return cells.getOrDefault(column, "");
        }

        double num(String column) {
            String v = text(column);
            if (v.isEmpty() || v.equalsIgnoreCase("nan")) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw error("column '" + column + "': '" + v + "' is not a number");
            }
        }

        boolean bool(String column) {
            String v = text(column);
            if (v.isEmpty() || v.equalsIgnoreCase("false")) {
                return false;
            }
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            throw error("column '" + column + "': '" + v + "' is not true/false");
        }
    }
}
